from piccolo.columns import DoublePrecision, Integer, Serial, Varchar
from piccolo.table import Table


class Place(Table):
    """A resort (kind ski-area, resort, nordic) or a commune (kind commune) where offers and
    training sessions take place; a resort's `insee` is its commune's."""

    id: Serial = Serial(primary_key=True)

    slug = Varchar(length=120, unique=True, index=True)
    name = Varchar(length=200)
    commune = Varchar(length=200)
    departement_code = Varchar(length=3, index=True)
    departement_name = Varchar(length=100)
    massif = Varchar(length=20, index=True)
    latitude = DoublePrecision()
    longitude = DoublePrecision()
    elevation_m = Integer(null=True, default=None)
    kind = Varchar(length=20)
    insee = Varchar(length=5, null=True, default=None, index=True)
    postal_codes = Varchar(length=200, default="")  # space-separated
    population = Integer(null=True, default=None)
    # Lower-case, accent-free name and commune, for "gerardmer" finding "Gérardmer".
    search_text = Varchar(length=500, index=True)
