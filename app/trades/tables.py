from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Text, Varchar
from piccolo.table import Table


class Trade(Table):
    """A trade of France Travail's ROME v4.60 repertoire."""

    id: Serial = Serial(primary_key=True)

    code = Varchar(length=5, unique=True, index=True)
    label = Varchar(length=300)
    # Trades of mountain tourism: shown as facets and used for demo data.
    mountain = Boolean(default=False, index=True)
    mountain_label = Varchar(length=200, null=True, default=None)
    search_text = Text(default="")


class TradeTitle(Table):
    """A job title (ROME "appellation") people type, leading to its trade."""

    id: Serial = Serial(primary_key=True)

    code_ogr = Integer(unique=True)
    trade = ForeignKey(references=Trade, null=False, index=True)
    label = Varchar(length=300)
    short_label = Varchar(length=300)
    search_text = Varchar(length=600, index=True)
