"""Name keys and spelling variants for Ukrainian place names: pure functions, no data files.

    >>> from claimmap.places.variants import normalise, skeleton, derive_russian
    >>> normalise("Miropol’ye"), normalise("Sudža")
    ('miropolye', 'sudza')
    >>> skeleton("Kondratowka") == skeleton("Kondratovka")
    True
    >>> derive_russian("Кіндратівка")
    'Кондратовка'

``normalise`` is the exact lookup key, ``skeleton`` a coarser key that lets news spellings meet
(Alexandria / Aleksandriya, Junakivka / Yunakivka), ``derive_russian`` guesses the Russian form of
a Ukrainian name by rule and ``latin_variants`` spells a name in the Latin schemes of translitua and
iuliia. ``former_names`` reads a settlement's former Ukrainian names from the source row and
``russian_rule_accuracy`` measures ``derive_russian`` against GeoNames' Russian names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher
from functools import lru_cache

import iuliia
import translitua
from rapidfuzz import fuzz

# --------------------------------------------------------------------------------------- normalise

_APOSTROPHES = "'’ʼ`´ʹ‘ʻ′＇"
_DROP = _APOSTROPHES + "ьъ"
_DASHES = "-‐‑‒–—―−"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
_INVISIBLE += "\u2066\u2067\u2068\u2069\u061c"
_TABLE = {ord(c): None for c in _DROP + _INVISIBLE} | {ord(c): " " for c in _DASHES}
_SPACES = re.compile(r"\s+")
#: Latin letters that NFKD does not decompose.
_LATIN_EXTRA = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "ß": "ss", "æ": "ae"})


def _strip_latin_marks(text: str) -> str:
    """Drop combining marks that follow a Latin letter; Cyrillic й, ї, ё stay whole."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and out and out[-1] < "\u0250":
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """The exact lookup key: NFKC, case-folded, Latin accents off, apostrophes and ь/ъ dropped.

    >>> normalise("  Kondrat’yevka "), normalise("Хотінь"), normalise("Знобь-Новгородське")
    ('kondratyevka', 'хотін', 'зноб новгородске')
    """
    # drop apostrophes first too: NFKC turns ´ into a space and a combining accent
    text = unicodedata.normalize("NFKC", name.translate(_TABLE)).casefold().translate(_TABLE)
    if not text.isascii():
        text = _strip_latin_marks(text).translate(_LATIN_EXTRA)
    return _SPACES.sub(" ", text).strip()


# ---------------------------------------------------------------------------------------- skeleton

#: Latin rewrite rules, applied in order on the normalised key. Each names the spellings it joins.
_LATIN_RULES: tuple[tuple[str, str], ...] = (
    (r"x", "ks"),  # Alexandria -> aleksandria (= Aleksandriya)
    (r"w", "v"),  # Kondratowka -> kondratovka (German/Polish w)
    (r"kh", "h"),  # Khotin -> hotin (= Hotin); Chotin is not joined: ch is also č
    (r"zh", "z"),  # Sudzha -> sudza (= Sudža after normalise)
    (r"j", "y"),  # Junakivka -> yunakivka, Miropillja -> miropillya
    (r"\bi(?=[aeou])", "y"),  # Iunakivka -> yunakivka (initial ia/iu/ie are ya/yu/ye)
    (r"(?:iy|ii|i|y)a\b", "ia"),  # Aleksandriya/Oleksandriia/-ija, Myropillya -> ...ia
    (r"(?:iy|y|i)e\b", "e"),  # Miropolye, Miropolie, Miropoliye -> miropole
    (r"y", "i"),  # Kyndrativka -> kindrativka, Yunakivka -> iunakivka
    (r"([a-z])\1+", r"\1"),  # doubled letters: Myropillia -> myropilia, Velykyi -> veliki
)
_LATIN_COMPILED = tuple((re.compile(p), r) for p, r in _LATIN_RULES)
_CYR_FOLD = str.maketrans({"ё": "е", "ї": "і", "є": "е", "ґ": "г", "й": "и", "э": "е"})


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """A coarse key on top of :func:`normalise`: different news spellings of one name meet.

    >>> skeleton("Alexandria") == skeleton("Aleksandriya") != skeleton("Oleksandriia")
    True
    >>> skeleton("Miropol'ye") == skeleton("Miropolie") == skeleton("Miropole")
    True
    >>> skeleton("Їжаківка") == skeleton("Іжаківка")
    True

    Latin keys go through ``_LATIN_RULES`` (each rule is commented with its example). Cyrillic keys
    fold ё->е, ї->і, є->е, ґ->г, й->и, э->е so that Ukrainian and Russian spellings can meet.
    """
    key = normalise(name)
    if not key.isascii():
        return key.translate(_CYR_FOLD)
    for pattern, repl in _LATIN_COMPILED:
        key = pattern.sub(repl, key)
    return key


# ---------------------------------------------------------------------------------- derive_russian

_APOS_RE = re.compile("[" + _APOSTROPHES + "]")
_HARD = "бвдзлмнпрстф"  # consonants after which Russian writes ы, not и, in an ending
_SIBILANT = "жчшщц"
_VOWELS = "аеєиіїоуюяэыё"

#: Ukrainian given-name stems, prefixes and roots whose Russian form differs beyond the letter
#: rules; each is a productive correspondence, not a place name. ``_STEMS`` apply at a word's start
#: (after Ново-/Старо-/Велико-/Мало-), ``_ROOTS`` (regular expressions) anywhere, both before the
#: letter rules.
_STEMS: tuple[tuple[str, str], ...] = (
    ("олександр", "александр"),
    ("олекс", "алекс"),
    ("микола", "никола"),
    ("микит", "никит"),
    ("володимир", "владимир"),
    ("костянтин", "константин"),
    ("кіндрат", "кондрат"),
    ("кирил", "кирилл"),
    ("омелян", "емельян"),
    ("яким", "аким"),
    ("ганн", "анн"),
    ("федір", "федор"),
    ("дібр", "дубр"),
    ("феофіл", "феофил"),
    ("зінов", "зинов"),  # Зіновій = Зиновий
    ("улян", "ульян"),
    ("вищ", "выш"),  # higher (выше)
    ("від", "от"),  # the prefix від- is от- (Відрадне -> Отрадное)
    ("вист", "выст"),  # the prefix ви- before ст is Russian вы- (вистріл -> выстрел)
    ("під", "под"),
    ("вільш", "ольш"),  # alder (ольха)
    ("вільх", "ольх"),
    ("віль", "воль"),
    ("розс", "росс"),
    # Soviet eponyms, frequent in former names (Ленінське, Кірове, Іллічівка): Russian surnames
    # and words whose Ukrainian і is Russian и, not the о/е of a native closed syllable
    ("ленін", "ленин"),
    ("калінін", "калинин"),
    ("кіров", "киров"),
    ("ілліч", "ильич"),
    ("комінтерн", "коминтерн"),
    ("тімірязєв", "тимирязев"),
)
_ROOTS: tuple[tuple[str, str], ...] = (
    ("піл", "пол"),  # -пілля, -піль: field (поле)
    ("кам'ян", "камен"),  # stone (камень); the adjective is каменный, see _ADJ_NN
    ("висо", "высо"),  # high (высокий, Висоцьке -> Высоцкое)
    ("рідн", "родн"),  # native (родной): і from о in a closed syllable
    ("яструб", "ястреб"),  # hawk (ястреб)
    ("яблун", "яблон"),  # apple tree (яблоня)
    ("слов'ян", "славян"),  # Slav (славянин): Слов'янськ -> Славянск
    ("чорн", "черн"),  # black (черный): Ukrainian о after ч is Russian ё/е
    # і from о in a closed syllable (ікавізм), where the Russian root keeps о
    ("гір", "гор"),  # mountain (Підгірне -> Подгорное)
    ("(?<!ц)віл", "вол"),  # free (Привільне -> Привольное, Добровілля -> Доброволье)
    ("слобід", "слобод"),
    ("хутір", "хутор"),
    ("хід", "ход"),  # Прихідьки -> Приходьки
    ("(?<=о)діл", "дол"),  # valley (Поділ -> Подол, Суходіл -> Суходол)
    ("рівн", "ровн"),  # even (ровный)
    ("кінськ", "конск"),  # horse (конский)
    ("сироват", "сыроват"),  # damp (сыроватый)
    ("козак", "казак"),  # Cossack: Russian spells the root with а
    ("козац", "казац"),
    ("козач", "казач"),
    ("комиш", "камыш"),  # reed (камыш)
    ("бистр", "быстр"),  # quick (быстрый)
    ("ситн", "сытн"),  # rich (сытный)
    ("яблуч", "яблоч"),  # apple (яблочный)
    ("вовк", "волк"),  # wolf: Ukrainian ов from ол before a consonant
    ("довг", "долг"),  # long
    ("довж", "долж"),
    ("товст", "толст"),  # thick
    ("жовт", "желт"),  # yellow
)
#: Adjective stems whose Russian suffix is -енн-/-янн- (каменный, деревянный) while the noun keeps
#: one н (Кам'янка -> Каменка); applied only before an adjective ending.
_ADJ_NN: tuple[tuple[str, str], ...] = (("кам'ян", "каменн"), ("дерев'ян", "деревянн"))
_ADJ_END = r"(?=(?:е|а|ий|і)$)"


#: -ове/-ине names are either possessives of a person (Карабутове -> Карабутово, Волокитине ->
#: Волокитино) or relational adjectives of a common noun, which Russian keeps as adjectives
#: (Ясенове -> Ясеновое). The second type is told by its noun: trees and shrubs, the landscape
#: (сад, степ, луг, поле) and, for -ине, birds and the poplar; Нове is the adjective itself. A
#: stem may follow a compound joint -о- (Біловишневе, Товстодубове). Other nouns stay -ово: they
#: are as often surnames (Макове -> Маково, Ромашкове -> Ромашково).
_RELATIONAL = re.compile(
    r"(?:^|о)(?:(?:верб|вишн|в'яз|груш|клен|лоз|ясен|дуб|берез|лип|осик|сосн|вільх|ольх|горіх"
    r"|калин|сад|степ|луг|пол)[ое]ве|(?:журавл|сокол|ястреб|лебед|орл|голуб|топол)ине)$|^нове$"
)
#: Adjective roots (Russian side, after _ROOTS): a single word root + -а is a short feminine
#: adjective and takes the long form (Товста -> Толстая, Висока -> Высокая).
_ADJ_FEM = re.compile(r"(?:толст|долг|желт|быстр|высок|сытн)а$")
#: A name that is one word in -ова is a relational adjective whose noun is understood (балка,
#: долина, слобода): Лозова -> Лозовая, Станова -> Становая; after a sibilant Russian writes -ев-
#: (Коржова -> Коржевая). Checked on the other oblasts' GeoNames Russian names: 20 of 25 such
#: names take -овая/-евая, the other 5 are neuter (Раково) or Belarusian (Грабава). The common
#: nouns in -ова (діброва/дуброва, голова, основа, підкова, корова) are nouns, not adjectives.
_ADJ_OVA = re.compile(r"^(?!(?:дібр|дубр|гол|осн|підк|кор)ова$).*[^аеиоуюяіїєь'][ое]ва$")


def _russian_ending(word: str, *, last: bool, alone: bool = False) -> str:
    """Rewrite a word's ending: adjectives, -ове/-ине possessives, plurals, -івка.

    ``alone``: the word is the whole name (a one-word -ова name is an adjective, see _ADJ_OVA).
    """
    if alone and _ADJ_OVA.match(word):
        return re.sub(r"(?<=[" + _SIBILANT + r"])о(?=ва$)", "е", word) + "я"
    # multi-word names: the adjective before the noun takes the Russian long form
    if not last:
        if word.endswith("ій"):
            return word[:-2] + "ий"  # soft adjectives: Нижній -> Нижний
        if word.endswith("ий"):
            return word[:-2] + ("ий" if word[-3:-2] in "кгхжшчщ" else "ый")
        if word.endswith("ня"):
            return word + "я"  # Верхня -> Верхняя
        if re.search(r"[^и]на$|ва$|ра$|ка$|та$|ла$", word) and not word.endswith("ова"):
            return word + "я"  # Велика -> Великая, Нова -> Новая
        if word.endswith("ова"):
            return word + "я"  # Липова -> Липовая
        if word.endswith("і"):
            return word[:-1] + ("ие" if word[-2:-1] in "кгхжшчщ" else "ые")  # Нові -> Новые
    if word.endswith("нє"):
        return word[:-1] + "ее"  # soft neuter adjectives: Середнє -> Среднее, Крайнє -> Крайнее
    word = re.sub(r"(?<=[сцз])ькі$", "ькие", word)  # Новосілки-Опарські -> -Опарские
    word = re.sub(r"(?<=[сц])ьк(ий|а)$", lambda m: "к" + ("ий" if m[1] == "ий" else "ая"), word)
    if re.search(r"(ськ|цьк|зьк)е$", word):
        return re.sub(
            r"(с|ц|з)ьке$", lambda m: {"с": "ское", "ц": "цкое", "з": "зское"}[m[1]], word
        )
    if _RELATIONAL.search(word) or _ADJ_FEM.match(word):
        return word[:-1] + "ое" if word.endswith("е") else word + "я"
    if word.endswith("іне"):
        return word[:-3] + "ино"  # Купріне -> Куприно (a surname in -ін)
    if re.search(r"[еоє]ве$", word) or re.search(r"(?:[^аеиоуюяі]и|ї)не$", word):
        return word[:-1] + "о"  # Карабутове -> Карабутово, Волокитине -> Волокитино
    if re.search(r"[бвгдзклмнпрстх]е$", word) and len(word) > 3:
        return word[:-1] + "ое"  # Вільне -> Вольное, Веселе -> Веселое
    if re.search(r"[жчш]е$", word):
        return word[:-1] + "ье"  # Ведмеже -> Ведмежье (possessive -жий/-чий)
    if word.endswith("'я"):
        return word[:-2] + "ье"  # Підгір'я -> Подгорье
    if re.search(r"([лчнтр])\1я$", word):
        return word[:-2] + "ье"  # Білопілля -> Белополье, Заріччя -> Заречье
    if word.endswith("ця"):
        return word[:-1] + "а"  # Білиця -> Белица (Russian ц is hard)
    if word.endswith("і"):
        return word[:-1] + ("ы" if word[-2:-1] == "ц" else "и")  # Токарі -> Токари
    if word.endswith("и") and word[-2:-1] in _HARD:
        return word[:-1] + "ы"  # Ромни -> Ромны
    return word


#: Stems whose last consonant is soft (Василь, шпиль, писар = писарь), which Ukrainian spelling
#: does not show before -ів-; Russian writes -ев- (Васильев, Писарев). Other л/р stems are hard
#: (Гаврилівка -> Гавриловка, Комісарівка -> Комиссаровка). Productive stems, not place names: the
#: given name Василь, nouns in -иль and -ня, agent nouns in -ар (Russian -арь), цар, могила.
_SOFT_IV = re.compile(
    r"(васил|шпил|брил|вишн|писар|лимар|токар|пекар|лікар|кобзар|бондар|шинкар|слюсар|лазар"
    r"|золотар|паламар|секретар|пахар|цар|могил)ів(?=[кщсц]|$)"
)


def _russian_i(word: str) -> str:
    """Map Ukrainian і/ї/є inside a word to the Russian vowel it usually stands for."""
    word = re.sub(r"(?<=[аеиоуюя])ї(?=в)", "е", word)  # Осоївка -> Осоевка
    word = re.sub(r"'ї(?=в)", "ье", word)  # Юр'ївка -> Юрьевка
    word = re.sub(r"'ї", "ьи", word)  # Мар'їне -> Марьино
    word = word.replace("ї", "и")  # Троїцьке -> Троицкое
    word = re.sub(r"іє", "ье", word)  # Юрієве -> Юрьево
    word = re.sub(r"'є", "ъе", word)  # Об'єднане -> Объединенное
    word = word.replace("є", "е")
    # -іїв- (after ї->и: -іив-): -иев- (Софіївка -> Софиевка), but -еев- after the given names
    # whose Russian form ends in -ей/-ея (Андрей, Сергей, Алексей, Тимофей, Дорофей, Матвей,
    # Гордей, Корней, Авдей, Макей, Пелагея)
    word = re.sub(r"(андр|серг|алекс|тимоф|дороф|матв|горд|корн|авд|мак|пелаг)іи", r"\1ее", word)
    word = word.replace("іи", "ие")
    # the suffix -ів- (-івка, -івське, -івщина, final -ів): о, or е after a soft/sibilant consonant
    word = re.sub(r"(?<=[" + _SIBILANT + r"])ів(?=[кщсц]|$)", "ев", word)
    word = re.sub(r"(?<=ел)ів(?=[кщсц]|$)", "ев", word)  # Хмелів -> Хмелев (хміль)
    word = _SOFT_IV.sub(r"\1ев", word)  # Василівка -> Василевка, Писарівка -> Писаревка
    word = re.sub(r"(?<=[аеиоу])ів(?=[кщсц]|$)", "ев", word)
    word = re.sub(r"ів(?=[кщсц]|$)", "ов", word)
    word = re.sub(r"^і|(?<=[аеиоу])і", "и", word)  # Івахи -> Ивахи, Новоіванівка -> Новоивановка
    word = re.sub(r"і(?=[аоуюя])", "и", word)  # Родіонівка -> Родионовка
    # final closed syllable: -інь, -іж -> -ень, -еж; other -іC -> -оC (Ріг -> Рог)
    word = re.sub(r"і(?=(нь|ж)$)", "е", word)
    word = re.sub(r"і(?=[бвгджзклмнпрстфхцчшщ]$)", "о", word)
    return word.replace("і", "е")  # Білка -> Белка, Лісне -> Лесное (from ѣ)


def derive_russian(name_uk: str) -> str:
    """The Russian form of a Ukrainian place name, derived by rule.

    Letter and ending rules, plus short tables of given-name stems (Олександр -> Александр),
    prefixes (від- -> от-) and word roots (піл -> пол, гір -> гор, козак -> казак), soft stems
    before -ів- (Василь, писар) and the nouns whose -ове/-ине adjective Russian keeps (trees,
    landscape, birds); no place name is listed anywhere.

    >>> [derive_russian(n) for n in ("Миропілля", "Юнаківка", "Козацьке", "Ромни", "Суми")]
    ['Мирополье', 'Юнаковка', 'Казацкое', 'Ромны', 'Сумы']
    >>> derive_russian("Велика Писарівка"), derive_russian("Олександрія")
    ('Великая Писаревка', 'Александрия')
    >>> derive_russian("Підгірне"), derive_russian("Ясенове"), derive_russian("Чернеччина")
    ('Подгорное', 'Ясеновое', 'Чернетчина')
    """
    name = _APOS_RE.sub("'", unicodedata.normalize("NFC", name_uk.strip()))
    parts = re.split(r"([ \-]+)", name)
    words = [p for i, p in enumerate(parts) if i % 2 == 0]
    out: list[str] = []
    for idx, word in enumerate(words):
        if not word:
            out.append(word)
            continue
        low = word.lower()
        initial_e = low.startswith("е")
        prefix = re.match(r"(ново|старо|велико|мало)?", low)[0]
        for uk, ru in _STEMS:
            if low.startswith(uk, len(prefix)):
                low = prefix + ru + low[len(prefix) + len(uk) :]
                break
        for uk, ru in _ADJ_NN:
            low = re.sub(uk + _ADJ_END, ru, low)
        for uk, ru in _ROOTS:
            low = re.sub(uk, ru, low)
        low = low.replace("ьо", "е")  # Ukrainian ьо is Russian ё: Плетньове -> Плетнево
        # -ччина from ц/т + ч: Russian writes тч (Донеччина -> Донетчина)
        low = low.replace("ччин", "тчин")
        last = idx == len(words) - 1 or parts[2 * idx + 1].strip() == "-"
        low = _russian_ending(low, last=last, alone=len(words) == 1)
        low = _russian_i(low)
        low = re.sub(r"(?<=[сц])ь(?=к)|(?<=ц)ь", "", low)  # Тростянець -> Тростянец, Глинськ
        if initial_e:
            low = "э" + low[1:]  # Есмань -> Эсмань; initial є is е (Євгенівка -> Евгеновка)
        # the old suffix -ынь after a hard consonant: Волинь -> Волынь, Буринь -> Бурынь
        low = re.sub(r"(?<=[" + _HARD + r"])инь$", "ынь", low)
        low = re.sub(r"(?<=[рк])'(?=[яю])", "ь", low)  # Мар'янівка -> Марьяновка
        low = low.replace("'", "").replace("ґ", "г")
        out.append(low[:1].upper() + low[1:] if word[:1].isupper() else low)
    parts[0::2] = out
    return "".join(parts)


_NAIVE = str.maketrans({"і": "и", "ї": "и", "є": "е", "І": "И", "Ї": "И", "Є": "Е"})
_TO_UK = str.maketrans({"и": "і", "ы": "и", "э": "е", "ъ": "'", "И": "І", "Ы": "И", "Э": "Е"})


def ukrainian_spelling(name_ru: str) -> str:
    """How Ukrainian text writes a Russian place name, letter for letter: Тёткино -> Тьоткіно,
    Глушково -> Глушково, Суджа -> Суджа (ё is ьо after a consonant, йо after a vowel; и is
    і, ы is и, э is е).

    >>> ukrainian_spelling("Тёткино"), ukrainian_spelling("Красная Яруга")
    ('Тьоткіно', 'Красная Яруга')
    """
    out = re.sub("(?<=[аеёиоуыэюяАЕЁИОУЫЭЮЯ ])ё|^ё", "йо", name_ru)
    out = out.replace("ё", "ьо").replace("Ё", "Йо")
    return out.translate(_TO_UK)


def russian_alternatives(name_uk: str) -> tuple[str, ...]:
    """Russian spellings of a Ukrainian name that Russian-language reports also write, beside
    :func:`derive_russian`: the -ов-/-ев- twin of an -ів- suffix (Веселевка / Веселовка, the
    rule cannot hear the stress) and the letter-for-letter spelling (Хотінська -> Хотинская).

    >>> sorted(russian_alternatives("Веселівка"))
    ['Веселевка', 'Веселивка', 'Веселовка']
    """
    derived = derive_russian(name_uk)
    out = {derived, derive_russian(name_uk.translate(_NAIVE))}
    if "ів" in name_uk.lower():
        out |= {derived.replace("евк", "овк"), derived.replace("овк", "евк")}
        out |= {
            re.sub("ев(?=(?:ск|к|щ))", "ов", derived),
            re.sub("ов(?=(?:ск|к|щ))", "ев", derived),
        }
    out.discard(name_uk)
    return tuple(sorted(n for n in out if n))


# ---------------------------------------------------------------------------------- former names

_UK_LOWER = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'"
#: A name in Ukrainian orthography: Ukrainian letters only (no ё, ъ, ы, э, ў, no Latin look-alike),
#: the first word capitalised, words joined by spaces or hyphens.
_UK_SPELLING = re.compile(
    f"[{_UK_LOWER.upper()}][{_UK_LOWER}]*(?:[ -][{_UK_LOWER}{_UK_LOWER.upper()}][{_UK_LOWER}]*)*"
)


def _kmu(name: str) -> str:
    return translitua.translit(name, translitua.UkrainianKMU)


def former_names(row: Mapping[str, str]) -> tuple[str, ...]:
    """Former Ukrainian names of a settlement, from a row of the joined source TSV.

    Two sources, both GeoNames Cyrillic names of the same place: the ``uk_other_variants`` that
    are written in Ukrainian orthography (Belarusian spellings with ў or ы, and mixed-script
    ones, are left out), and the Cyrillic alternate (``uk_other_variants`` or ``name_ru_guess``)
    whose KMU 2010 transliteration is exactly ``ocha_en``, the pre-2024 OCHA name, when that
    differs from the current official name: the 2024 renames (Бунячине was Бунякине, OCHA
    Buniakyne) and the 2016 ones (Діброва was Першотравневе). A pre-2024 name known only in
    Latin is not turned back into Cyrillic: the KMU spelling does not determine it (ia is я or
    ія, y is и or ий). Rows without these columns have no former names.

    >>> former_names({"name_uk": "Бунячине", "name_en_kmu2010": "Buniachyne",
    ...               "ocha_en": "Buniakyne", "name_ru_guess": "Бунякине|Бунякино"})
    ('Бунякине',)
    """
    current = normalise(row.get("name_uk", ""))
    cyrillic = [_APOS_RE.sub("'", c.strip()) for c in row.get("uk_other_variants", "").split("|")]
    names = [c for c in cyrillic if _UK_SPELLING.fullmatch(c)]
    ocha, kmu = row.get("ocha_en", "").strip(), row.get("name_en_kmu2010", "").strip()
    if ocha and normalise(ocha) != normalise(kmu):
        pool = cyrillic + [c.strip() for c in row.get("name_ru_guess", "").split("|")]
        names += [c for c in pool if _UK_SPELLING.fullmatch(c) and _kmu(c) == ocha]
    seen = {current}
    out = []
    for name in names:
        if normalise(name) not in seen:
            seen.add(normalise(name))
            out.append(name)
    return tuple(out)


# ------------------------------------------------------------------------------ rule measurement

_RU_CANDIDATE = re.compile(r"^[А-Яа-яЁё][А-Яа-яЁё' \-]*$")
_NOT_RUSSIAN = re.compile("[іїєґўІЇЄҐЎ]|[кгхжшчщ]ы|(?<=[а-яё])э", re.IGNORECASE)
_UK_ENDING = re.compile("(ине|ове|еве|ьке|ське|цьке|[^о]не)$")


def russian_reference(name_uk: str, name_ru_guess: str) -> tuple[str, ...]:
    """The Russian forms of ``name_uk`` among GeoNames' ``name_ru_guess`` ("|"-separated).

    ``name_ru_guess`` is a heuristic (Cyrillic alternates with no і/ї/є/ґ), so it also holds
    Soviet-era names, pre-2024 Ukrainian names and Belarusian spellings. A candidate is kept when
    it is written in Russian orthography (Cyrillic letters only; no abbreviation dot or note; no
    ў; no кы/гы/хы/жы/шы/чы/щы; э only word-initially; no Belarusian akanye, i.e. not two or
    more of a word's о written а: Канатоп, Нава Слабада), does not end in a Ukrainian neuter
    ending (-ине, -ове, -еве, -ське, -цьке, -не: Russian writes -ино, -ово, -ское, -ное),
    differs from the Ukrainian name by more than a hyphen, and is the same name (see
    :func:`_same_name`), so that renames such as Жовтневе or Першотравневе do not count.

    The apostrophe is not a word break (В'язове/Вязовое, Кам'янка/Каменка used to be dropped as
    two words against one), and the regular initial correspondences count as the same first
    letter (Вільшана/Ольшана, Ганнівка/Анновка, Миколаївка/Николаевка): 11 Russian names that
    were wrongly dropped now count, 3 of them misses. The akanye test drops Конотоп's only
    candidates (Канатоп, Канатып), which are Belarusian. Renamed places keep the Russian form of
    the former name (Бунячине: Бунякино), which Russian sources still use; it counts as
    reproduced when derived from the former name (see :func:`russian_rule_accuracy`). An
    adjective before the noun must have a Russian ending (Стари Село is dropped, see
    :func:`_short_attribute`), and each word must be within three letters of the Ukrainian
    word's length (Кам'янобрідський/Кембридж is dropped, see :func:`_same_name`).
    """
    uk = _spaced(name_uk)
    keep = []
    for cand in name_ru_guess.split("|"):
        cand = cand.strip()
        if not _RU_CANDIDATE.match(cand) or _NOT_RUSSIAN.search(cand):
            continue
        ru = _spaced(cand)
        if ru == uk or _UK_ENDING.search(cand) or not _same_name(uk, ru):
            continue
        if _belarusian_akanye(uk, ru) or _short_attribute(name_uk, cand):
            continue
        keep.append(cand)
    return tuple(keep)


_UK_ADJ_END = re.compile("(?:ий|ій|[аяеєі])$")
#: A bare -и/-ы is not a Russian attributive ending; the possessive plurals -ины/-овы/-евы and
#: -ьи (Казачьи, Курячьи) are.
_BARE_I = re.compile("(?<!ин)(?<!ов)(?<!ев)(?<!ь)[иы]$")


def _short_attribute(uk: str, ru: str) -> bool:
    """Whether an adjective before the noun lacks a Russian ending: Стари Село, Велики Новоселка.

    A Russian attributive adjective takes the long form (Старое Село, Великая Новоселка) or, as
    a possessive, -ин/-ов/-ий (Марчихина Буда, Янов Хутор, Казачьи Майданы); a bare -и/-ы is
    Serbian or Bulgarian spelling. Only words before a space are checked (a hyphen joins nouns
    too: Бринці-Загірні, Брынци-Загорные), and only where the Ukrainian word has an adjective
    ending. Gender is not compared: nouns may differ in it (степ, m.; степь, f.).
    """
    pairs = zip(uk.casefold().split()[:-1], ru.casefold().split()[:-1], strict=False)
    return any(_UK_ADJ_END.search(a) and _BARE_I.search(b) for a, b in pairs)


def _spaced(name: str) -> str:
    return re.sub(r"[\s\-]+", " ", name.casefold().replace("ё", "е")).strip()


_FOLD = str.maketrans("іїєеоаыэяюёйь", "иииииииииииии", _APOSTROPHES)
_UNSIGN = str.maketrans("", "", _APOSTROPHES + "ьъ")


def _same_name(uk: str, ru: str) -> bool:
    """Whether two names are one name: same words, same first letters, each word alike.

    Vowels are folded (і/и/е/о/а/... -> и) and apostrophes dropped before comparing (В'язове and
    Вязовое are one word); words must be rapidfuzz-alike (ratio >= 60) and, soft signs and
    apostrophes aside, differ in length by at most three letters: the regular differences change
    an ending or a root by a letter or two (-е/-ое, вищ-/высш-, Об'єднане/Объединенное), while a
    longer gap is another word or an inflected form that the folded ratio lets through
    (Кам'янобрідський/Кембридж, Дніпро/Днепропетровск, Херсон/Херсонскую). The first letters may
    differ only by the regular initial correspondences: Ukrainian prothetic в/г before a vowel
    (Вільшана/Ольшана, Ганнівка/Анновка) and м/н in Микола/Никола, Микита/Никита. This keeps
    Кіндратівка/Кондратовка and drops Вирівка/Поповка.
    """
    a_words, b_words = uk.translate(_FOLD).split(), ru.translate(_FOLD).split()
    if len(a_words) != len(b_words):
        return False
    a_lens = [len(w) for w in uk.translate(_UNSIGN).split()]
    b_lens = [len(w) for w in ru.translate(_UNSIGN).split()]
    return all(
        _same_start(a, b) and fuzz.ratio(a, b) >= 60 and abs(m - n) <= 3
        for a, b, m, n in zip(a_words, b_words, a_lens, b_lens, strict=True)
    )


def _same_start(uk: str, ru: str) -> bool:
    if uk[:1] == ru[:1]:
        return True
    if uk[:1] in "вг" and uk[1:2] == ru[:1] == "и":  # prothetic в/г (vowels are folded to и)
        return True
    return uk[:2] == "ми" and ru[:2] == "ни"


def _belarusian_akanye(uk: str, ru: str) -> bool:
    """Whether ``ru`` writes two or more of a word's о as а: Belarusian spelling (Канатоп).

    Russian spelling is etymological and keeps the о of the Ukrainian name (only a few roots
    differ, one о each: Козацьке/Казацкое, Охтирка/Ахтырка); Belarusian writes akanye.
    """
    for a, b in zip(uk.split(), ru.split(), strict=False):
        ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        swaps = sum(
            sum(x == "о" and y == "а" for x, y in zip(a[i1:i2], b[j1:j2], strict=False))
            for tag, i1, i2, j1, j2 in ops
            if tag == "replace"
        )
        if swaps >= 2:
            return True
    return False


def russian_rule_accuracy(
    rows: Iterable[Mapping[str, str]], *, with_former_names: bool = True
) -> tuple[int, int]:
    """(hits, total) of :func:`derive_russian` over rows with a Russian reference name.

    ``rows`` carry ``name_uk`` and ``name_ru_guess`` (the joined source TSV). A row counts when
    :func:`russian_reference` keeps a name; it is a hit when the name derived from the current
    Ukrainian name, or (``with_former_names``) from one of the place's :func:`former_names`,
    equals one of the kept names exactly, after ё->е. A renamed place's GeoNames Russian name is
    often the Russian form of its former name (Бунячине: Бунякино, from Бунякине), and Russian
    sources still use it, so the gazetteer carries both. The reference set is the same either
    way: former names only add ways to reproduce a kept reference, never references.
    """
    hits = total = 0
    for row in rows:
        refs = russian_reference(row["name_uk"], row.get("name_ru_guess", ""))
        if not refs:
            continue
        total += 1
        sources = (row["name_uk"], *(former_names(row) if with_former_names else ()))
        derived = {derive_russian(name).replace("ё", "е") for name in sources}
        hits += any(ref.replace("ё", "е") in derived for ref in refs)
    return hits, total


# -------------------------------------------------------------------------------- latin variants

_UK_TABLES = (
    translitua.UkrainianKMU,
    translitua.UkrainianBGN,
    translitua.UkrainianBGN2019,
    translitua.UkrainianUNGEGN,
    translitua.UkrainianNational1996,
    translitua.UkrainianGerman,
    translitua.UkrainianFrench,
    translitua.UkrainianBritish,
    translitua.UkrainianSimple,
    translitua.UkrainianGOST1986,
)
_RU_TABLES = (
    translitua.RussianSimple,
    translitua.RussianICAO,
    translitua.RussianInternationalPassport1997,
    translitua.RussianDriverLicense,
)
_RU_SCHEMAS = (
    iuliia.WIKIPEDIA,
    iuliia.BGN_PCGN,
    iuliia.ICAO_DOC_9303,
    iuliia.MOSMETRO,
    iuliia.GOST_52535,
    iuliia.YANDEX_MAPS,
)
_LATIN_OK = re.compile(r"^[A-Za-z][A-Za-z' \-]*$")
_LATIN_APOS = re.compile("[" + _APOSTROPHES + '”"]+')


def _clean_latin(text: str) -> str:
    """One apostrophe kind, no macrons or other marks: Mȳropillya -> Myropillya."""
    return _strip_latin_marks(_APOS_RE.sub("'", _LATIN_APOS.sub("'", text)))


def _russian_latin(name_ru: str) -> set[str]:
    out = {translitua.translit(name_ru, table) for table in _RU_TABLES}
    out |= {schema.translate(name_ru) for schema in _RU_SCHEMAS}
    # news style drops the neuter ending: Мирополье -> Miropol (beside Miropolye, Miropolie)
    if re.search(r"[ьи]е$", name_ru):
        stem = name_ru[:-2]
        out |= {schema.translate(stem) for schema in _RU_SCHEMAS}
        out |= {schema.translate(stem + "ие") for schema in _RU_SCHEMAS}
        out |= {schema.translate(stem + "ье") for schema in _RU_SCHEMAS}
    return out


def latin_variants(name_uk: str, *, name_ru: str = "") -> tuple[str, ...]:
    """Latin spellings of a Ukrainian name and of its Russian form, sorted, without repeats.

    >>> v = latin_variants("Миропілля")
    >>> {"Myropillia", "Miropol", "Miropolye", "Miropolie"} <= set(v)
    True
    """
    spellings = {translitua.translit(name_uk, table) for table in _UK_TABLES}
    spellings |= _russian_latin(name_ru or derive_russian(name_uk))
    cleaned = {_clean_latin(s) for s in spellings}
    return tuple(sorted(s for s in cleaned if _LATIN_OK.match(s)))
