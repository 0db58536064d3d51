"""English claims vocabulary (wires, ISW, translated official channels)."""

from __future__ import annotations

import re
from types import MappingProxyType

from claimmap.claims.lexicon import ANY, ENEMY, OWN, RU, UA, Lexicon, Trigger

_ARMS = (
    r"(?:armed )?(?:forces|troops|army|military|units?|soldiers|servicemen|fighters|infantry|"
    r"assault (?:groups?|units?|detachments?)|sabotage (?:and reconnaissance )?groups?|marines|"
    r"paratroopers|airborne(?: troops)?|brigades?|battalions?|drones?|aviation|air force|"
    r"artillery|artillerymen|gunners|drone operators|border guards|special forces|spetsnaz|"
    r"defenders|defen[cs]e forces)"
)

TRIGGERS: tuple[Trigger, ...] = (
    Trigger(
        "territorial_capture",
        (
            r"(?:remain(?:s|ed)?|is|are|was|were|be|stay(?:s|ed)?) (?:\w+ )?under "
            r"(?:(?:the )?(?:enemy|russian|ukrainian|its|their) )?(?:full )?control",
            r"(?:fully |completely )?(?:occupied|captured) (?:territor(?:y|ies)|areas?|villages?)",
        ),
        situation=True,
    ),
    Trigger(
        "territorial_capture",
        (
            r"(?:partial(?:ly)?|part of) (?:control|captured|occupied)|partially (?:control|"
            r"hold)\w*",
        ),
        detail="partial_control",
    ),
    Trigger("armed_clash", (r"gr[ae]y zone",), detail="grey_zone", situation=True),
    Trigger(
        "territorial_capture",
        (
            r"(?:seiz|tak|gain|establish)(?:e|es|ed|ing|en|s)? (?:full )?control (?:of|over)",
            r"took (?:full )?control (?:of|over)",
            r"captur(?:e|es|ed|ing)|seiz(?:e|es|ed|ing)|seizure of",
            r"occup(?:y|ies|ied|ying|ation of)",
            r"(?:took|taken)(?! (?:part|place|time|steps|measures|note|action|cover|into|them|him|"
            r"her|hostages?|prisoners?|residents|civilians|people|away|to\b|out))",
            r"(?:fell|fallen|falls?)(?=\s*(?:$|[,.;:!?]|to\b|under\b|into\b))",
            r"(?:the )?fall of|(?:has|have|had) fallen",
            r"raised (?:the|a|their) flags?",
        ),
    ),
    Trigger(
        "recapture",
        (
            r"liberat(?:e|es|ed|ing|ion of)",
            r"recaptur(?:e|es|ed|ing)|retook|retak(?:e|es|en|ing)",
            r"regain(?:ed|s|ing)? (?:full )?control (?:of|over)|clear(?:ed|ing)? (?:\w+ )?of",
        ),
    ),
    Trigger(
        "recapture",
        (
            r"(?:push|drove|drive|drives|driven|pushed|forced|kicked)(?:s|"
            r"ing)? (?:\w+ ){0,3}out of|"
            r"expelled (?:\w+ ){0,3}from",
        ),
    ),
    Trigger(
        "assault",
        (
            r"assault(?:s|ed|ing)?|storm(?:s|ed|ing)?|counter-?attack(?:s|ed|ing)?",
            r"attack(?:s|ed|ing)?|offensives? (?:on|against)|offensive actions?",
            r"(?:has |have )?entered|crawled through|infiltrated",
        ),
    ),
    Trigger(
        "advance",
        (r"fail(?:ed|s)? to (?:advance|break through|push)",),
        negated=True,
    ),
    Trigger(
        "advance",
        (
            r"advanc(?:e|es|ed|ing)(?! (?:weapons|systems|technology))",
            r"push(?:ed|es|ing)?(?= (?:from|toward|towards|into|deeper|forward|on|closer)\b)",
            r"(?:mov(?:e|es|ed|ing)|march(?:ed|es|ing)?) (?:toward|towards|on)",
            r"(?:broke|break|breaks|breaking) through|breakthrough|encircl(?:e|es|ed|ing|ement)",
            r"improved (?:their|its) (?:tactical )?positions?|infiltrat(?:e|ed|es|ing|ion)",
        ),
        move=True,
    ),
    Trigger(
        "armed_clash",
        (
            r"(?:active )?(?:combat|fighting|hostilities|battles?) (?:continues?|continued)",
            r"(?:combat|fighting|hostilities|battles?) (?:rag(?:e|es|ed|ing)|(?:is|are) ongoing)",
            r"fighting|fought|clash(?:es|ed|ing)?|firefights?|skirmish(?:es)?|combat engagements?",
            r"battles? (?:for|over|in|near|around)|combat (?:in|near|around|for)",
            r"engag(?:ed|es|ing)(?! (?:to|in talks|in negotiations))",
            r"defen(?:d|ds|ded|ding)|h[oe]ld(?:s|ing)? (?:the line|positions?|out)",
            r"inflict(?:ed|s|ing)? (?:heavy )?(?:losses|casualties|damage)",
            r"(?:continu\w*|conduct\w*) (?:\w+ )?(?:operations?|offensive operations?)",
        ),
    ),
    Trigger("armed_clash", (r"lost (?:up to |over |more than )?\d+|losses of",), reverse=True),
    Trigger(
        "armed_clash",
        (
            r"(?:repel(?:s|led|ling)?|repuls(?:e|es|ed|ing))(?: (?:an?|the|several|\d+|two|three))?"
            r"(?: (?:russian|ukrainian|enemy))?(?: (?:attacks?|assaults?|offensives?))?",
        ),
        reverse=True,
    ),
    Trigger(
        "withdrawal",
        (
            r"forced to (?:retreat|withdraw|leave|pull back|abandon)",
            r"retreat(?:s|ed|ing)?|withdr(?:ew|aw|aws|awn|awing|awal)",
            r"fell back|fall(?:s|ing|en)? back|pull(?:ed|s|ing)? (?:back|out)",
            r"abandon(?:ed|s|ing)?(?! (?:its |their |his |the |our )?positions?)",
            r"(?:was|were|been|being) (?:pushed|driven|forced|kicked) (?:\w+ )?out of",
        ),
        move=True,
    ),
    Trigger(
        "shelling",
        (r"mlrs|multiple rocket|grad|uragan|smerch|tornado-s",),
        detail="mlrs",
    ),
    Trigger(
        "shelling",
        (r"(?:missile|rocket|ballistic) (?:strikes?|attacks?|fire)|iskanders?|tochka|missiles?",),
        detail="missile",
    ),
    Trigger("shelling", (r"mortars?",), detail="mortar"),
    Trigger(
        "shelling",
        (
            r"shell(?:ed|ing|s)|artillery|howitzers?|bombard(?:ed|ing|ment|s)?",
            r"(?:came|come|comes|coming) under (?:\w+ )?fire|fired (?:on|at|upon)|"
            r"opened fire|explosions?|under fire|under fire control",
        ),
        detail="artillery",
    ),
    Trigger(
        "shelling",
        (r"struck|strikes? (?:on|against)|hit (?:the|a)\b|destroyed|damaged|hit by",),
    ),
    Trigger(
        "air_drone_strike",
        (r"fpvs?(?:[- ]drones?)?(?:[- ](?:strikes?|attacks?))?",),
        detail="fpv",
    ),
    Trigger(
        "air_drone_strike",
        (r"(?:drone|uav|kamikaze)[- ]?(?:drone )?(?:strikes?|attacks?)",),
        detail="drone",
    ),
    Trigger("air_drone_strike", (r"air ?strikes?|air raids?",), detail="air"),
    Trigger(
        "air_drone_strike",
        (r"glide bombs?|guided (?:aerial )?bombs?|kabs?|fabs?|bomb(?:ed|ing|s)?",),
        actor=RU,
        detail="kab",
    ),
    Trigger(
        "air_drone_strike",
        (r"(?:shahed|geran|lancet)s?(?: (?:drones?|uavs?))?",),
        actor=RU,
        detail="drone",
    ),
    Trigger("air_drone_strike", (r"drones?|uavs?",), detail="drone"),
    Trigger(
        "civilian_harm",
        (
            r"civilian casualties",
            r"(?:civilians?|residents?|children|people|m[ae]n|wom[ae]n)(?: \w+){0,2} "
            r"(?:killed|wounded|injured|died|dead|hurt)",
            r"(?:killed|killing|wounded|wounding|injured|injuring)(?: \w+){0,3} "
            r"(?:civilians?|residents?|children|people)|(?:was|were) (?:killed|wounded|injured)",
        ),
        detail="casualties",
    ),
    Trigger(
        "civilian_harm",
        (r"evacuat(?:e|es|ed|ing|ion)|abduct(?:ed|s|ing)?|deport(?:ed|s)?",),
        detail="displacement",
    ),
    Trigger(
        "strategic_development",
        (
            r"desert(?:ed|ing|ion|ions|ers?)",
            r"abandon(?:ed|s|ing)? (?:its |their |his |the |our )?positions?",
            r"battalion headquarters",
            r"surrender(?:s|ed|ing)?|mutin(?:y|ies)",
        ),
    ),
)

ACTORS: tuple[tuple[str, str], ...] = (
    (
        RU,
        rf"russian {_ARMS}|russians|the russian side|russia(?:'s)? (?:armed )?forces|"
        r"armed forces of the russian federation|rf armed forces|occupiers|occupying forces|"
        r"invaders|north korean (?:troops|forces|soldiers)|"
        r"(?:units|troops|elements) of the [\"'‘“]?(?:sever|north)[\"'’”]? group(?: of forces)?|"
        r"northern group(?: of)? forces|(?:the )?[\"'‘“]?(?:sever|"
        r"north)[\"'’”]? group(?: of forces)?|"
        r"russia(?=\s+(?:\w+s|\w+ed|has|have|had|took|struck|hit)\b)",
    ),
    (
        UA,
        rf"ukrainian {_ARMS}|ukrainians|the ukrainian side|ukraine(?:'s)? (?:armed )?forces|"
        r"armed forces of ukraine|\bafu|zsu|defen[cs]e forces of ukraine|kyiv's forces|"
        r"the \d+(?:st|nd|rd|th) (?:separate )?(?:\w+ )?(?:brigade|regiment|battalion)|"
        r"ukraine(?=\s+(?:\w+s|\w+ed|has|have|had|took|struck|hit)\b)",
    ),
    (ANY, r"both sides|the two sides|either side"),
    (
        ENEMY,
        r"the enemy(?! (?:losses|pressure|'s))|"
        r"enemy (?:forces|troops|units|soldiers|assault groups?|infantry|drones?|artillery|"
        r"aviation)",
    ),
    (OWN, r"our (?:defenders|forces|troops|soldiers|units|servicemen|fighters|assault groups?)"),
)

_NUMBER = r"(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)"

LEXICON = Lexicon(
    language="en",
    triggers=TRIGGERS,
    actors=ACTORS,
    object_before=(
        r"\b(?:against|of|by|from|with|to|for|within|among|on|at|toward|towards|near|into|"
        r"between|about|over|under|upon|amid)\s+(?:the\s+)?$"
    ),
    agent_before=r"\b(?:by|to)\s+(?:the\s+)?$",
    clause_break=(
        r";|:|\s[—–]\s|—|, (?:while|whereas|where|which|but|as|although|though|however|when|"
        r"since|because|meanwhile|even as|after|before|so as to|in order to|adding that)\b|"
        r"\sto avoid\b|"
        r"\s(?:while|whereas|but)\s|"
        r",?\s(?:and|but) (?=(?:also |then )?(?:\w+(?:ed|ing)|took|struck|fell|withdrew|retook|"
        r"hit|made|began)\b)"
    ),
    hypothetical=(
        r"\b(?:could|would|might(?! have)|if|unless|should|trying to|tried to|"
        r"(?:sent|ordered|tasked|told) to|"
        r"(?<!since )(?<!in )(?<!of )(?<!early )(?<!late )may(?! have|\s*\d)|"
        r"(?:threaten|intend|aim|seek|hope|want|tr)(?:s|ed|ing|y|ies|ied)? to|"
        r"plan(?:s|ned|ning)? to|prepar(?:e|es|ed|ing) to|attempt(?:s|ed|ing)? to|"
        r"in order to|likely to|expected to|set to|about to|capable of)\b"
    ),
    negation=(
        r"(?:\b(?:not|never|no|neither|nor|without|failed to|fail to|fails to|unable to)\b|"
        r"n't\b)(?:\s+(?!that\b|whether\b)[\w'-]+){0,4}\s*$"
    ),
    not_before=r"(?:\b(?:not|no|never|without)\b|n't)(?:\s+\w+){0,3}\s*$",
    denial=(
        r"\b(?:den(?:y|ies|ied|ying)|refut(?:e|es|ed|ing)|debunk(?:s|ed|ing)?|"
        r"(?:reject|dismiss)(?:s|ed|es|ing)? (?:\w+'s |the )?(?:claims?|reports?)|false|fake|"
        r"untrue|"
        r"disinformation|not true|unreliable|no truth|propaganda|"
        r"(?:attempts?|attacks?|assaults?) (?:\w+ ){0,3}(?:failed|was thwarted|were thwarted)|"
        r"(?:does|do) not correspond to (?:reality|the facts))\b"
    ),
    confirm=(
        r"\b(?:confirm(?:s|ed|ing|ation)?|assess(?:es|ed)?|geolocat(?:ed|ion)|verifie[sd]|"
        r"admit(?:s|ted)?|acknowledg(?:e|es|ed))\b"
    ),
    hedge=r"\b(?:reportedly|allegedly|possibly|probably|likely|unconfirmed|apparently)\b",
    reference=(
        r"(?:\d[\d.,]*\s*(?:km|kilomet(?:re|er)s?|miles?)\s+(?:\w+\s+)?(?:of|from)|"
        r"(?:north|south|east|west)(?:-?(?:east|west))?\s+of|\bnear|\boutside(?: of)?|close to|"
        r"not far from|outskirts of)\s+(?:the\s+)?(?:(?:village|town|city|settlement) of\s+)?$"
    ),
    list_gap=r"^\s*,?\s*(?:and|or|as well as)\s",
    origin=r"\bfrom\s+(?:[\w'-]+\s+){0,4}$",
    target=r"\b(?:toward|towards|to|into|on|in the direction of)\s+(?:[\w'-]+\s+){0,4}$",
    passive_gap=(
        r"^(?:\s|,|\x00|\band\b|\bor\b)*(?:\b(?:was|were|is|are|has|have|had|been|being|"
        r"reportedly|also|now|finally|completely|fully|again|allegedly)\b\s*)*$"
    ),
    anaphors=(
        "there",
        "in the area",
        "in that area",
        "in this area",
        "on this front",
        "on that front",
    ),
    container_before=(
        r"(?:settlements|villages|towns|communities|hromadas|localities|areas|districts|places) "
        r"(?:in|of|across) (?:the )?$"
    ),
    not_place_before=r"(?:native|natives|mayor|governor) of (?:the )?$",
    direction=(
        r"(?:\d[\d.,]*\s*(?:km|kilomet(?:re|er)s?|miles?)\s+(?:\(\d+ (?:miles|km)\)\s+)?"
        r"(?:\w+\s+)?(?:of|from)|"
        r"(?:north|south|east|west)(?:-?(?:east|west))?\s+of)\s+(?:the\s+)?$"
    ),
    list_near=r"\b(?:and|or|as well as)\s+(?:[\w'-]+\s+){0,3}$",
    unconfirmed=(
        r"\b(?:no|not|without|never)\s+(?:\w+\s+){0,2}(?:confirm\w*|verif\w*|evidence|"
        r"acknowledg\w*)|"
        r"\bunconfirmed\b|\bnot (?:been )?(?:independently )?(?:confirmed|verified)"
    ),
    denial_anaphor=(
        r"\b(?:it|this|that|these|those|such) (?:claims?|reports?|statements?)?|\bthe claims?\b|"
        r"\bthe reports?\b|\bit\b|\bthis\b"
    ),
    according=r"\b[Aa]ccording to\s+(?P<src>[^,;:.!?()]+)",
    attr_verbs=(
        r"reported|reports|said|says|claimed|claims|stated|states|announced|announces|assessed|"
        r"assesses|confirmed|confirms|wrote|writes|noted|notes|told|alleged|alleges|denied|denies|"
        r"refuted|refutes|indicated|indicates|called|calls|admitted|admits|acknowledged|"
        r"rejected|rejects|say|deny|confirm|report"
    ),
    reports_say=(
        r"\breports? (?:indicate|suggest|say|said|claim|show)s?\b|\bit (?:was|is|has been) "
        r"(?:reported|revealed|claimed|said)\b|\bunconfirmed reports?\b"
    ),
    unattributed=r"\b(?:reportedly|allegedly)\b",
    generic_sources=(
        r"^(?:it|he|she|they|we|i|this|that|who|which|reports?|recent reports|the reports?|"
        r"the source|a source|sources)$"
    ),
    source_nouns=frozenset(
        re.findall(
            r"\w+",
            "source sources official officials spokesperson spokesman spokeswoman analyst "
            "analysts journalist journalists ministry staff command administration governor head "
            "commander blogger bloggers milbloggers channel outlet agency media correspondent "
            "monitor monitors observers military army mod guards footage",
        )
    ),
    report_noun=r"^(?:(?:the|recent|new|latest|several|some|media)\s+)*reports?$",
    not_place_after=(
        r"^\s*(?:oblast |region )?(?:village|town|settlement|border area)s?\b|"
        r"^\s*(?:oblast|regional|region|city|district)?\s*(?:military |state |civil[- ]military )?"
        r"(?:administration|council|governor|prosecutor|police|tv|television|channel|radio|"
        r"news|media|university|football)\b|^\s*(?:'s|’s)?\s*(?:governor|mayor|officials?|"
        r"authorities)\b"
    ),
    container_gap=r"^\s*(?:,|\(|in|of|in the)\s*(?:the\s+)?$",
    killed=(
        _NUMBER + r"\s+(?:\w+\s+){0,2}(?:people|civilians?|residents?|persons?|men|women|"
        r"children|soldiers)?\s*(?:were |was |have been |had been )?(?:killed|dead|died)\b"
    ),
    injured=(
        _NUMBER + r"\s+(?:\w+\s+){0,2}(?:people|civilians?|residents?|persons?|men|women|"
        r"children|soldiers)?\s*(?:were |was |have been |had been )?(?:wounded|injured|hurt)\b"
    ),
    adjectives=((RU, r"russian"), (UA, r"ukrainian"), (ENEMY, r"enemy")),
    numbers=MappingProxyType(
        {
            "a": 1,
            "an": 1,
            "one": 1,
            "two": 2,
            "three": 3,
            "four": 4,
            "five": 5,
            "six": 6,
            "seven": 7,
            "eight": 8,
            "nine": 9,
            "ten": 10,
        }
    ),
)
