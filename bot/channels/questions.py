"""Several questions in one message, split into the questions the assistant answers one after the other.

Pure text, no model: `split_questions(text)` gives the parts of a message in order, each a slice of the text as
the student wrote it (nothing added or reworded); a message that is one question is one part. The parts after
the first are usually follow-ups (« certificateur ? », « et quelles études faut-il ? »): the assistant answers
them about the subject the first part named, as it does for a follow-up sent on its own.

- Questions ended by « ? » (or « ?? », « ?! »…) before a space or the end: « qui délivre le titre 360 ? il est
  de quel niveau ? ». A « ? » inside a word or a link (« page?id=3 ») splits nothing. A piece after the first
  must ask (a question word), name a fact (« certificateur ? ») or a subject; else it says more about the
  question before (« élagueuse, c'est quoi les conditions de travail ? c'est risqué ? ») and stays with it.
- A name, « : » and a list: « le titre 360 : niveau ? certificateur ? débouchés ? », « BTS com : durée, niveau
  et débouchés ? », « concepteur rédacteur : il fait quoi, et il gagne combien ? ». Each item is short and asks
  something (a question word, or a fact: niveau, salaire, débouchés…); a name that already asks (« les voies
  d'accès du titre pro DWWM : alternance, VAE ? ») keeps its list of options whole.
- Two questions joined by « et »: « que fait un chef de publicité et quelles études faut-il ? », « qui délivre
  le 360 et c'est où ? »: the first half holds a question word, the second opens with one (« et quelles… », « et
  c'est où », « et faut quel niveau »).
- Facts of one subject named last: « le code rome et le salaire d'un community manager ? », « quel niveau et
  quel certificateur pour le titre 360 ? », « le niveau, la durée et les débouchés du BTS MCO ? ». The part
  that names the subject is played first (`play_order`), the others then follow it up; the answers are still
  given in the order asked.

Never split: a command or button payload (« /choose_option{…} »); a comparison (« comparer X et Y : études,
salaire », « … pour les deux »: the side-by-side answer holds each fact); a message whose first question names no
subject while a later question does (« c'est quel niveau ? et le titre 360 ? », « combien il gagne ? et un
graphiste ? »: the first may be about the conversation's subject or the later one); one thing named with « et »
(« c'est quoi la com externe et la com interne ? », « la différence entre un BTS et un BUT »); words after a
« ? » that are no question of their own (« … ? je suis en terminale », « … ? merci ! », « … ? c'est
risqué ? ») stay with the question before. At most MAX_PARTS parts: the last keeps the rest.
"""

from __future__ import annotations

import re

MAX_PARTS = 4

Span = tuple[int, int]  # start and end of a part in the message

# The end of a question: « ? », « ?? », « ?! », before a space or the end, not in quotes (« « niveau ? » »).
_END = re.compile(r"\?[?!]*(?=\s|$)(?!\s*[»”\"'’])")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_LETTER = re.compile(r"[^\W\d_]")
_TRIM = " \t\n,;/"
_LINK = r"(?:et|mais|puis|aussi|sinon|ensuite|alors)\s*,?\s+"  # may open a follow-up: « et quel… »
_PREPOSITION = r"(?:à|a|de|en|pour|dans|par|sur|avec|chez|jusqu['’]à)\s+"
# A question opening the text (after an optional « et »…).
_ASKING = re.compile(
    rf"(?:{_LINK})?(?:(?:{_PREPOSITION})?(?:quel(?:le)?s?|quoi|combien|quand)\b|{_PREPOSITION}qui\b"
    r"|comment\b|où\b|ou\s+est\b|pourquoi\b|est[- ]ce\b|qu['’]est[- ]ce\b|c['’]est\s+quoi\b|c\s+quoi\b|quid\b"
    r"|qui\s+(?:le|la|les|l['’]|délivre|certifie|propose|organise|recrute|embauche|emploie|forme)\b"
    r"|que\s+(?:fait|font|faut|doit|faire)\b|qu['’](?:il|elle|ils|elles|on)\b|y\s+a[- ]t[- ]il\b"
    r"|faut[- ]il\b|faut\s+(?:quel|combien|quoi)|peut[- ]on\b|on\s+peut\b|est[- ]il\b|est[- ]elle\b"
    r"|c['’]est\s+(?:quel|combien|qui|où|comment|quand)\b)",
    re.IGNORECASE)
# A question word anywhere (« il fait quoi », « le 360 ça va jusqu'à quand »): « qui » and « que » are left
# out, they are as often relative pronouns (« un métier qui paie bien »).
_QUESTION_WORD = re.compile(r"\b(?:quel(?:le)?s?|quoi|combien|quand|comment|où|pourquoi|est[- ]ce)\b|-(?:t-)?"
                            r"(?:il|elle|on|ils|elles)\b", re.IGNORECASE)
# Something a part is about: a determiner or preposition before a name, a kind of record, an acronym, a number.
_SUBJECT = re.compile(
    r"\b(?:un|une|d['’]un|d['’]une|du|de\s+la|de\s+l['’]|au(?!\s+niveau)|aux|pour|devenir|être|etre|métier"
    r"|titres?|certifications?|certifs?|formations?|diplômes?|écoles?|bts|but|dut|cap|licences?|masters?"
    r"|bachelors?|fiches?)\b|\d",
    re.IGNORECASE)
# BTS, MCO, DWWM (case matters); not the codes and words a follow-up asks about (« code ROME ? », « et la VAE ? »).
_ACRONYM = re.compile(r"\b(?!(?:ROME|NSF|VAE|RNCP|OK|STP|SVP|CV|RH|IA|PDF)\b)[A-ZÉ]{2,}\b")
# Facts a list item may ask about (« niveau, certificateur, débouchés »); a name before « : » holding one already
# asks something (« les voies d'accès du titre pro DWWM : alternance, VAE ? »: options of one question).
_FACT = re.compile(
    r"\b(?:niveaux?|durée|débouchés?|salaires?|études|accès|voies|modalités|conditions|compétences|insertion"
    r"|métiers|certificateurs?|prérequis|pré-requis|programmes?|contenu|coûts?|prix|frais|statuts?|profils?"
    r"|qualités|missions?|stats|statistiques|validité|jury|options?|spécialités?|choix|diff[ée]rences?|entre"
    r"|codes?|rome|nsf|formacode|blocs?|évaluations?|adresses?|sites?|mails?|contacts?|certifiés|diplômés"
    r"|taux|âge|secteurs?|employeurs?|rythme|vae|dates?|échéance|organisme|délivre|officiel(?:le)?|reconnue?"
    r"|payée?s?|recrute|embauche|fonctionnaire|salariée?|alternance|apprentissage)\b",
    re.IGNORECASE)
_SMALL = re.compile(r"(?:et|ou|mais|puis|aussi|alors|le|la|les|l|son|sa|ses|leur|leurs|ce|cette|ces|de|d|c|qu"
                    r"|est|sont|faut|il|elle|ils|elles|on|y|a|ça|ca|quoi|qui|que|en|au|aux)", re.IGNORECASE)
# A comparison: one answer, side by side, holds every fact asked (« comparer orthophoniste et psychomotricien :
# études, salaire », « … la durée des études et le salaire pour les deux »).
_COMPARES = re.compile(r"\b(?:compar\w*|diff[ée]ren\w*|diff[èe]re\w*|vs|versus|les\s+deux|chacune?|lequel|laquelle"
                       r"|lesquel(?:le)?s)\b", re.IGNORECASE)
_WHICH = re.compile(r"\bquel(?:le)?s?\b", re.IGNORECASE)
_WHICH_THING = re.compile(r"(?:et\s+)?quel(?:le)?s?\s+\S+(?:\s+\S+)?", re.IGNORECASE)  # « et quelles certifications »
_AND_ITEM = re.compile(r"et\s", re.IGNORECASE)
# « et » then a noun without its own determiner or question word: the noun shares the question before.
_AND_NOUN = re.compile(r"et\s+(?!(?:le|la|les|l['’]|son|sa|ses|leur|leurs|un|une|des|du|quel|quelle|quels"
                       r"|quelles|combien|comment|qui|que|qu['’]|où|pourquoi|quand|c['’]est|il|elle|ils|elles|on"
                       r"|ça|ca|est)\b)[^\W\d_]", re.IGNORECASE)
_BETWEEN_ITEMS = re.compile(r"\s*,\s*|\s*;\s*|\s+/\s+|\s+(?=et\s)", re.IGNORECASE)
_BEFORE_AND = re.compile(r"(?:\s*,)?\s+(?=et\s)", re.IGNORECASE)  # before the « et » that joins two questions
_POLITE = re.compile(r"(?:merci|stp|svp|s['’]il\s+te\s+pla[iî]t|s['’]il\s+vous\s+pla[iî]t|bonjour|salut|bonsoir"
                     r"|coucou|hello|ok|okay|d['’]accord|please|bisous|cordialement|bonne\s+journ[ée]e)\b",
                     re.IGNORECASE)
_TOPIC_WORDS = 8  # the name before « : » in « name : a, b, c »
_ITEM_WORDS = 6  # an item of that list is a few words at most
_TOLD_WORDS = 8  # words after the last « ? », not opening with a question, longer than this tell; they ask nothing
_OPENING_WORDS = 4  # the second of two joined questions has its question word among its first words


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def asks(text: str) -> bool:
    """The text opens with a question (« quel… », « combien », « et qui le délivre », « c'est où »…)."""
    return _ASKING.match(text.strip(_TRIM)) is not None


def has_question_word(text: str) -> bool:
    """The text asks, or holds a question word (« il fait quoi », « ça va jusqu'à quand »)."""
    return asks(text) or _QUESTION_WORD.search(text) is not None


def topic(text: str) -> bool:
    """A short name said before « : » (« le titre 360 », « infirmière », « directeur de communication »): no
    question of its own, no fact asked."""
    return (0 < len(words(text)) <= _TOPIC_WORDS and not has_question_word(text)
            and not _FACT.search(text) and not _POLITE.fullmatch(text.strip(_TRIM + "!.")))


def names_subject(text: str) -> bool:
    """The text names what it is about, as far as words tell (« d'un chef de pub », « le BTS MCO », « titre 360 »,
    « infirmière : … »); « niveau ? », « et qui le délivre ? » do not."""
    head, colon, _ = text.partition(":")
    return bool(_SUBJECT.search(text) or _ACRONYM.search(text) or (colon and topic(head)))


def is_command(text: str) -> bool:
    """A command or a button's payload (« /restart », « /choose_option{…} »): never split."""
    return text.lstrip().startswith("/")


def split_questions(text: str, max_parts: int = MAX_PARTS) -> list[str]:
    """The questions of `text` in order, each a slice of it as written (see the module docstring)."""
    if is_command(text) or max_parts < 2 or _COMPARES.search(text):
        return [text]
    pieces = _questions(text)
    if len(pieces) < 1 or not _subject_first([_slice(text, span) for span in pieces]):
        return [text]
    spans: list[Span] = []
    for span in pieces:
        spans += _listed(text, span) or _joined(text, span) or _shared(text, span) or [span]
    parts = [_slice(text, span) for span in spans]
    if len(parts) < 2:
        return [text]
    if len(spans) > max_parts:  # the last part keeps the rest of the message, as written
        spans = spans[:max_parts - 1] + [(spans[max_parts - 1][0], spans[-1][1])]
        parts = [_slice(text, span) for span in spans]
    return parts


def _slice(text: str, span: Span) -> str:
    return text[span[0]:span[1]].strip(_TRIM)


def _questions(text: str) -> list[Span]:
    """`text` cut after each « ? » that ends a question. Words after the last one that are no question of their
    own (« je suis en terminale », « merci ! ») and pieces without a letter stay with the question before."""
    spans: list[Span] = []
    start = 0
    for end in _END.finditer(text):
        spans.append((start, end.end()))
        start = end.end()
    if text[start:].strip(_TRIM):
        spans.append((start, len(text)))
    merged: list[Span] = []
    for span in spans:
        piece = text[slice(*span)]
        if merged and not (_LETTER.search(text[slice(*merged[-1])])
                           and _own_question(piece, asked=_END.search(piece) is not None)):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def _own_question(piece: str, asked: bool = True) -> bool:
    """A question of its own after another: it asks (« il est de quel niveau ? »), names a fact
    (« certificateur ? », « et le salaire ») or a subject (« et pour un graphiste ? »). « c'est risqué ? »,
    « les gens trouvent ? » say more about the question before and stay with it, as do « merci ! », « je suis en
    terminale », « ?? ». Words after the last « ? » (not `asked`) that do not open with a question and run
    longer than a follow-up tell about the student (« … ? Je suis cadre et je rêve d'être utile, sans savoir
    quoi exactement. »)."""
    piece = piece.strip(_TRIM)
    if not _LETTER.search(piece) or _POLITE.match(piece):
        return False
    if not asked and not asks(piece) and len(words(piece)) > _TOLD_WORDS:
        return False
    return has_question_word(piece) or _FACT.search(piece) is not None or names_subject(piece)


def _listed(text: str, span: Span) -> list[Span]:
    """« le titre 360 : niveau, certificateur et débouchés » → « le titre 360 : niveau », « certificateur »,
    « et débouchés » (a joining « et » stays with the item it opens, as written)."""
    start, end = span
    colon = text.find(":", start, end)
    if colon < 0 or not topic(text[start:colon]):
        return []
    cuts = [m.start() for m in _BETWEEN_ITEMS.finditer(text, colon + 1, end)
            if text[colon + 1:m.start()].strip(_TRIM) and text[m.start():end].strip(_TRIM)]
    bounds = [start, *cuts, end]
    spans = list(zip(bounds, bounds[1:]))
    items = [text[colon + 1:spans[0][1]], *(text[s:e] for s, e in spans[1:])]
    if len(spans) < 2 or not all(_item(i.strip(_TRIM)) for i in items):
        return []
    return spans


def _item(item: str) -> bool:
    """One question of a list: a few words, asking (« qui le délivre », « il gagne combien ») or naming a fact
    (« niveau », « le taux d'insertion à 6 mois »); « 6 ou 7 » is no question."""
    return (0 < len(words(item)) <= _ITEM_WORDS and _LETTER.match(item) is not None
            and (has_question_word(item) or _FACT.search(item) is not None))


def _joined(text: str, span: Span) -> list[Span]:
    """« que fait un chef de pub et quelles études faut-il ? » → its two questions (the « et » stays with the
    second, as written): the first half holds a question word, the second opens with one."""
    start, end = span
    for match in _BEFORE_AND.finditer(text, start, end):
        first, second = text[start:match.start()], text[match.end():end]
        opening = " ".join(second.split()[:_OPENING_WORDS])
        if (len(words(first)) >= 3 and has_question_word(first) and len(words(second)) >= 2
                and (asks(second) or _QUESTION_WORD.search(opening))
                and not _parallel(first, second) and _subject_first([first, second])):
            return [(start, match.start()), (match.end(), end)]
    return []


def _shared(text: str, span: Span) -> list[Span]:
    """Facts asked together, of one subject named last or of none: « le code rome et le salaire d'un
    community manager ? » → « le code rome », « et le salaire d'un community manager ? »; « niveau et durée
    du BTS MCO ? »; « et le niveau, et le certificateur ? ». Each item asks a fact or holds a question word;
    « c'est quoi la com externe et la com interne ? », « ingénieur son et lumière c'est quoi ? » stay whole,
    and so does « le salaire et les études d'infirmière » (a name the words do not tell as one). The part
    naming the subject is played first (`play_order`)."""
    start, end = span
    if ":" in text[start:end]:
        return []
    cuts = [m.start() for m in _BETWEEN_ITEMS.finditer(text, start, end)
            if text[start:m.start()].strip(_TRIM) and text[m.start():end].strip(_TRIM)]
    bounds = [start, *cuts, end]
    spans = list(zip(bounds, bounds[1:]))
    items = [text[s:e].strip(_TRIM) for s, e in spans]
    if len(items) < 2 or not _AND_ITEM.match(items[-1]) or len(words(items[-1])) > 2 * _ITEM_WORDS:
        return []  # « a, b et c », « a et b »: not « le programme en compétences, c'est quoi ? »
    if not all(_bare(i) and len(words(i)) <= _ITEM_WORDS for i in items[:-1]):
        return []  # facts only before the last: not « le contact humain c'est mon truc, … »
    if not (names_subject(items[-1]) or _bare(items[-1])):
        return []  # « le salaire et les études d'infirmière »: a name the words do not tell, maybe the subject
    if not all(_FACT.search(i) or has_question_word(i) for i in items):
        return []
    if any(_parallel(a, b) for a, b in zip(items, items[1:])):
        return []
    return spans


def _bare(item: str) -> bool:
    """Only facts, question words and small words (« et le niveau », « c'est quoi la durée »): no name."""
    pieces = [p for w in words(item) for p in re.split(r"['’]", w) if p]  # « d'infirmière » → d, infirmière
    return all(_SMALL.fullmatch(p) or _FACT.fullmatch(p) or _QUESTION_WORD.fullmatch(p) for p in pieces)


def play_order(parts: list[str]) -> list[int]:
    """The order to play the parts in: the first that names a subject first (« et le salaire d'un community
    manager ? » before « le code rome », which asks about the same one), then the others as written. The
    answers are still given in the written order."""
    first = next((i for i, part in enumerate(parts) if names_subject(part)), 0)
    return [first, *(i for i in range(len(parts)) if i != first)]


def _parallel(first: str, second: str) -> bool:
    """« quels métiers et quelles certifications », « quels secteurs et métiers après … »: two things one
    question asks about, not two questions."""
    if _WHICH.search(" ".join(first.split()[-3:])) is None:
        return False
    second = second.strip(_TRIM + "?!. ")
    return _WHICH_THING.fullmatch(second) is not None or _AND_NOUN.match(second) is not None


def _subject_first(parts: list[str]) -> bool:
    """False when the first question names no subject but a later one does (« c'est quel niveau ? et le titre
    360 ? », « combien il gagne ? et un graphiste ? »): the first may be about the conversation's subject or
    the later one. Follow-ups without any name split."""
    return names_subject(parts[0]) or not any(names_subject(p) for p in parts[1:])
