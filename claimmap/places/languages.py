"""What the place stages need to know about each language, as data: one table per language.

    >>> from claimmap.places.languages import LANGUAGES
    >>> LANGUAGES["uk"].area_words["області"], LANGUAGES["ru"].area_words["района"]
    ('oblast', 'raion')
    >>> sorted(LANGUAGES)
    ['en', 'ru', 'uk']

Each :class:`Language` holds the declension endings of toponyms (nouns, and the adjectives of
two-word names and of area names), the words after a name that make it an area ("області",
"района", "Oblast"), the words that make it an organisation or a unit, road and line words
that make a name in a chain ``embedded``, and the regional nicknames (Сумщина). The mechanism
that uses them is written once (``claimmap.places.morphology`` declines, ``extract`` binds the
words); adding Polish would be a new table here.

Declension rules are ``(nominative ending, {case: endings})``; the first rule whose ending the
word has applies, so longer endings come first. Cases are gen, dat, acc, ins, loc. An ending
of "" adds nothing (a plural with a zero genitive: Суми -> Сум).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["CASES", "LANGUAGES", "Language"]

CASES = ("gen", "dat", "acc", "ins", "loc")
Rule = tuple[str, Mapping[str, tuple[str, ...]]]


def _r(ending: str, gen: str, dat: str, acc: str, ins: str, loc: str) -> Rule:
    """One rule; a case may list several endings separated by "|"."""
    cases = dict(zip(CASES, (gen, dat, acc, ins, loc), strict=True))
    return ending, MappingProxyType({k: tuple(v.split("|")) for k, v in cases.items()})


@dataclass(frozen=True, slots=True)
class Language:
    """The place vocabulary of one language."""

    code: str
    #: how nouns decline, by nominative ending (the ending is replaced, "" keeps the word)
    nouns: tuple[Rule, ...] = ()
    #: how adjectives decline (first words of two-word names; area names such as Сумська)
    adjectives: tuple[Rule, ...] = ()
    #: area words after a name and the area kind they make ("області" -> oblast)
    area_words: Mapping[str, str] = field(default_factory=dict)
    #: words after a place name that make the whole an organisation, a medium or a unit
    organisation_after: tuple[str, ...] = ()
    #: words before a place name that make it part of an organisation or unit name
    organisation_before: tuple[str, ...] = ()
    #: words after (or before) a hyphenated chain that make it a road or line: parts embedded
    road_words: tuple[str, ...] = ()
    #: regional nicknames and other names of an oblast, by the name key of the oblast they
    #: stand for (Сумщина: Сумська; the occupiers' "ДНР" for Donetsk oblast)
    nicknames: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: words before a name that say it is a settlement ("село", "village of")
    settlement_cues: tuple[str, ...] = ()
    #: roles before a capitalised word that make it a person ("генерал Сырский")
    person_cues: tuple[str, ...] = ()
    #: stems of the words for the state border ("кордон" in кордону, прикордонні)
    border_words: tuple[str, ...] = ()
    #: words for kilometres after a number ("30 km from the border", "за 5 км від кордону")
    km_words: tuple[str, ...] = ()


# Ukrainian ---------------------------------------------------------------------------------

_UK_NOUNS: tuple[Rule, ...] = (
    _r("ія", "ії", "ії", "ію", "ією", "ії"),  # Олександрія
    _r("'я", "'я", "'ю", "'я", "'ям", "'ї"),  # Підгір'я (neuter)
    *(
        _r(d + "я", d + "я", d + "ю", d + "я", d + "ям", d + "і")  # Миропілля, Заріччя (neuter)
        for d in ("лл", "нн", "чч", "жж", "сс", "тт", "цц", "дд", "зз", "шш", "рр")
    ),
    _r("ка", "ки", "ці", "ку", "кою", "ці"),  # Юнаківка -> у Юнаківці, Юнаківкою
    _r("га", "ги", "зі", "гу", "гою", "зі"),
    _r("ха", "хи", "сі", "ху", "хою", "сі"),
    *(_r(c + "а", c + "і", c + "і", c + "у", c + "ею", c + "і") for c in "жчшщ"),  # Суджа
    _r("ця", "ці", "ці", "цю", "цею", "ці"),  # Білиця
    _r("я", "і", "і", "ю", "ею", "і"),  # Локня -> Локні, Локнею
    _r("а", "и", "і", "у", "ою", "і"),  # Писарівка's neighbours: Вільшана, Ворожба
    _r("ки", "ок|ків", "кам", "ки", "ками", "ках"),  # Садки -> Садків, Садками
    _r("і", "ів", "ям", "і", "ями", "ях"),  # Токарі
    _r("и", "|ів", "ам", "и", "ами", "ах"),  # Суми -> Сум, Сумах; Ромни
    _r("їв", "єва", "єву", "їв", "євом", "єві|єву"),  # Київ
    _r("ів", "ова", "ову", "ів", "овом", "ові|ову"),  # Глухів -> Глухова, під Глуховом
    _r("ець", "ця", "цю", "ець", "цем", "ці"),  # Тростянець
    _r("ь", "я", "ю", "ь", "ем", "і"),  # Путивль, Хотінь -> у Хотіні
    _r("й", "я", "ю", "й", "єм", "ї"),
    *(
        _r(c, c + "а", c + "у", c, c + "ом", c + "і|" + c + "у")  # Лебедин, Глинськ, Курськ
        for c in "бвгґдзклмнпрстфхцчшщж"
    ),
    *(
        _r(e, e + "го", e + "му", e, e[:-1] + "им", e + "му|" + e[:-1] + "і")  # Глушкового
        for e in ("ово", "ево", "іно", "ино")
    ),
    _r("о", "а", "у", "о", "ом", "і"),
)
_UK_ADJECTIVES: tuple[Rule, ...] = (
    _r("ій", "ього", "ьому", "ій", "ім", "ьому|ім"),  # Верхній
    _r("ий", "ого", "ому", "ий", "им", "ому|ім"),  # Сумський район, Великий
    _r("ня", "ньої", "ній", "ню", "ньою", "ній"),  # Верхня
    _r("а", "ої", "ій", "у", "ою", "ій"),  # Сумська область, Велика Писарівка
    _r("нє", "нього", "ньому", "нє", "нім", "ньому|нім"),  # Середнє
    _r("е", "ого", "ому", "е", "им", "ому|ім"),  # Новеньке, Веселе, Козацьке, Карабутове
    _r("і", "их", "им", "і", "ими", "их"),  # Великі Вільми
)

UK = Language(
    code="uk",
    nouns=_UK_NOUNS,
    adjectives=_UK_ADJECTIVES,
    area_words=MappingProxyType(
        {
            **dict.fromkeys(("область", "області", "областю", "обл"), "oblast"),
            **dict.fromkeys(("район", "району", "районі", "районом", "р-н", "р-ну"), "raion"),
            **dict.fromkeys(
                ("громада", "громади", "громаді", "громаду", "громадою", "громад", "тг", "отг"),
                "hromada",
            ),
            **dict.fromkeys(("напрямок", "напрямку", "напрямі", "напрям"), "sector"),
            **dict.fromkeys(("прикордоння", "прикордонні", "прикордонню"), "sector"),
        }
    ),
    organisation_after=(
        "ова",
        "ода",
        "мва",
        "медіа",
        "онлайн",
        "24",
        "тб",
        "тв",
        "новини",
        "спецназ",
        "оборони",
    ),
    organisation_before=(
        "угруповання",
        "угрупування",
        "угруповання військ",
        "бригада",
        "зс",
        "суспільне",  # the public broadcaster's regional channels: Суспільне Суми
    ),
    person_cues=(
        "генерал",
        "головнокомандувач",
        "командувач",
        "голова",
        "очільник",
        "речник",
        "губернатор",
        "міністр",
        "президент",
        "журналіст",
        "блогер",
        "полковник",
        "майор",
        "капітан",
        "заступник",
        "начальник",
        "мер",
        "керівник",
    ),
    road_words=(
        "траса",
        "трасі",
        "траси",
        "трасу",
        "дорога",
        "дороги",
        "дорозі",
        "шосе",
        "автодорога",
        "автодороги",
        "автодорозі",
        "лінія",
        "лінії",
        "трасою",
    ),
    nicknames=MappingProxyType(
        {
            "сумська": ("Сумщина",),
            "харківська": ("Харківщина",),
            "чернігівська": ("Чернігівщина",),
            "полтавська": ("Полтавщина",),
            "київська": ("Київщина",),
            "донецька": ("Донеччина",),
            "луганська": ("Луганщина",),
            "запорізька": ("Запоріжжя",),
            "херсонська": ("Херсонщина",),
            "миколаївська": ("Миколаївщина",),
            "одеська": ("Одещина",),
            "дніпропетровська": ("Дніпропетровщина", "Січеславщина"),
            "житомирська": ("Житомирщина",),
            "вінницька": ("Вінниччина",),
            "хмельницька": ("Хмельниччина",),
            "черкаська": ("Черкащина",),
            "кіровоградська": ("Кіровоградщина",),
            "рівненська": ("Рівненщина",),
            "волинська": ("Волинь",),
            "львівська": ("Львівщина",),
            "тернопільська": ("Тернопільщина",),
            "івано-франківська": ("Прикарпаття", "Івано-Франківщина"),
            "закарпатська": ("Закарпаття",),
            "чернівецька": ("Буковина",),
            "курська": ("Курщина",),
            "бєлгородська": ("Бєлгородщина", "Білгородщина"),
            "брянська": ("Брянщина",),
        }
    ),
    border_words=("кордон", "прикордон"),
    km_words=("км", "кілометр", "кілометри", "кілометрів", "кілометрах"),
    settlement_cues=(
        "село",
        "селі",
        "села",
        "селище",
        "селищі",
        "місто",
        "місті",
        "міста",
        "смт",
        "с.",
        "м.",
        "хутір",
        "хуторі",
        "населений пункт",
        "населеного пункту",
        "населених пунктів",
        "населеному пункті",
    ),
)

# Russian -----------------------------------------------------------------------------------

_RU_NOUNS: tuple[Rule, ...] = (
    _r("ия", "ии", "ии", "ию", "ией", "ии"),  # Александрия
    _r("ья", "ьи", "ье", "ью", "ьей", "ье"),
    _r("ка", "ки", "ке", "ку", "кой", "ке"),  # Юнаковка -> к Юнаковке, Юнаковки
    _r("га", "ги", "ге", "гу", "гой", "ге"),
    _r("ха", "хи", "хе", "ху", "хой", "хе"),
    *(_r(c + "а", c + "и", c + "е", c + "у", c + "ей", c + "е") for c in "жчшщ"),  # Суджа
    _r("ца", "цы", "це", "цу", "цей", "це"),
    _r("я", "и", "е", "ю", "ей", "е"),
    _r("а", "ы", "е", "у", "ой", "е"),
    _r("ье", "ья", "ью", "ье", "ьем", "ье"),  # Мирополье -> Мирополья
    _r("ово", "ова|ово", "ову|ово", "ово", "овом|ово", "ове|ово"),  # Глушково (or indeclinable)
    _r("ево", "ева|ево", "еву|ево", "ево", "евом|ево", "еве|ево"),
    _r("ино", "ина|ино", "ину|ино", "ино", "ином|ино", "ине|ино"),  # Варачино -> Варачина
    _r("ыно", "ына|ыно", "ыну|ыно", "ыно", "ыном|ыно", "ыне|ыно"),
    _r("о", "а", "у", "о", "ом", "е"),
    _r("ки", "ок|ков", "кам", "ки", "ками", "ках"),  # Садки -> Садков
    _r("ы", "|ов", "ам", "ы", "ами", "ах"),  # Сумы -> Сум, в Сумах; Ромны
    _r("и", "ей|ов", "ям", "и", "ями", "ях"),
    _r("ец", "ца", "цу", "ец", "цем", "це"),  # Тростянец
    _r("ь", "я", "ю", "ь", "ем", "е"),  # Хотень
    _r("й", "я", "ю", "й", "ем", "е"),
    *(
        _r(c, c + "а", c + "у", c, c + "ом", c + "е")  # Курск -> Курска, в Курске
        for c in "бвгдзклмнпрстфхцчшщж"
    ),
)
_RU_ADJECTIVES: tuple[Rule, ...] = (
    _r("кий", "кого", "кому", "кий", "ким", "ком"),  # Суджанский район
    _r("ий", "его", "ему", "ий", "им", "ем"),  # Верхний
    _r("ый", "ого", "ому", "ый", "ым", "ом"),
    _r("яя", "ей", "ей", "юю", "ей", "ей"),  # Верхняя
    _r("ая", "ой", "ой", "ую", "ой|ою", "ой"),  # Сумская область, Великая Писаревка
    _r("ее", "его", "ему", "ее", "им", "ем"),  # Среднее
    _r("кое", "кого", "кому", "кое", "ким", "ком"),  # Казацкое
    _r("ое", "ого", "ому", "ое", "ым", "ом"),  # Новенькое
    _r("ие", "их", "им", "ие", "ими", "их"),
    _r("ые", "ых", "ым", "ые", "ыми", "ых"),
)

RU = Language(
    code="ru",
    nouns=_RU_NOUNS,
    adjectives=_RU_ADJECTIVES,
    area_words=MappingProxyType(
        {
            **dict.fromkeys(("область", "области", "областью", "обл"), "oblast"),
            **dict.fromkeys(("район", "района", "районе", "районом", "р-н", "р-на"), "raion"),
            **dict.fromkeys(("округ", "округа", "округе", "округом"), "raion"),
            **dict.fromkeys(
                ("громада", "громады", "громаде", "громаду", "громадой", "громад", "тг", "отг"),
                "hromada",
            ),
            **dict.fromkeys(("направление", "направлении", "направления"), "sector"),
            **dict.fromkeys(("приграничье", "приграничья", "приграничье"), "sector"),
        }
    ),
    organisation_after=("ова", "ода", "медиа", "онлайн", "24", "тв", "новости", "спецназ"),
    organisation_before=(
        "группировка",
        "группировки",
        "группировкой",
        "группа войск",
        "группировка войск",
        "группировки войск",
        "бригада",
        "вс",
        "общественное",
    ),
    person_cues=(
        "генерал",
        "главком",
        "главнокомандующий",
        "командующий",
        "глава",
        "губернатор",
        "министр",
        "президент",
        "журналист",
        "блогер",
        "военкор",
        "полковник",
        "майор",
        "капитан",
        "замминистра",
        "начальник",
        "мэр",
        "спикер",
        "представитель",
    ),
    road_words=(
        "трасса",
        "трассе",
        "трассы",
        "трассу",
        "дорога",
        "дороги",
        "дороге",
        "шоссе",
        "автодорога",
        "автодороги",
        "автодороге",
        "линия",
        "линии",
        "трассой",
    ),
    nicknames=MappingProxyType(
        {
            "сумская": ("Сумщина",),
            "харьковская": ("Харьковщина",),
            "черниговская": ("Черниговщина",),
            "полтавская": ("Полтавщина",),
            "донецкая": ("Донетчина", "Донецкая Народная Республика", "ДНР"),
            "луганская": ("Луганщина", "Луганская Народная Республика", "ЛНР"),
            "курская": ("Курщина",),
            "белгородская": ("Белгородчина", "Белгородщина"),
            "брянская": ("Брянщина",),
        }
    ),
    border_words=("границ", "пригранич", "рубеж"),
    km_words=("км", "километр", "километра", "километров", "километрах"),
    settlement_cues=(
        "село",
        "селе",
        "села",
        "посёлок",
        "поселок",
        "посёлке",
        "поселке",
        "город",
        "городе",
        "города",
        "пгт",
        "с.",
        "г.",
        "хутор",
        "хуторе",
        "населенный пункт",
        "населенного пункта",
        "населенных пунктов",
        "населённый пункт",
        "населённого пункта",
        "населённых пунктов",
    ),
)

# English -----------------------------------------------------------------------------------

EN = Language(
    code="en",
    area_words=MappingProxyType(
        {
            **dict.fromkeys(
                ("oblast", "region", "province", "governorate", "side", "regions", "oblasts"),
                "oblast",
            ),
            "city": "settlement",
            **dict.fromkeys(("raion", "rayon", "district", "raions", "districts"), "raion"),
            **dict.fromkeys(
                ("hromada", "community", "municipality", "okrug", "hromadas", "communities"),
                "hromada",
            ),
            **dict.fromkeys(
                ("direction", "front", "axis", "sector", "frontline", "border area"), "sector"
            ),
        }
    ),
    organisation_after=(
        "independent",
        "24",
        "tv",
        "post",
        "truth",
        "online",
        "media",
        "news",
        "ova",
        "mva",
        "oda",
        "rma",
        "cma",
        "times",
        "daily",
        "herald",
        "pravda",
        "today",
        "inform",
    ),
    organisation_before=("suspilne",),  # Suspilne Sumy, the public broadcaster's channel
    road_words=(
        "highway",
        "road",
        "motorway",
        "route",
        "roadway",
        "railway",
        "line",
        "supply route",
        "axis",
    ),
    nicknames=MappingProxyType({"sumy": ("Sumshchyna", "Sumshchina")}),
    settlement_cues=("village", "town", "city", "settlement", "hamlet", "township"),
    border_words=("border", "frontier"),
    km_words=("km", "kilometres", "kilometers", "kilometre", "kilometer"),
)

LANGUAGES: Mapping[str, Language] = MappingProxyType({"en": EN, "uk": UK, "ru": RU})
