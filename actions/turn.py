"""One knowledge question, step by step: understand the turn → a name alone (its fiche, or a correction) or a
choice among the options offered → pick the record → route → compose.

Each step either moves the turn on (a record chosen, the question settled) or ends it with a `Reply`:
a choice that failed, a name the base does not know, several fiches to choose from, a fact it lacks."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from knowledge.kb import KnowledgeBase
from knowledge.model import Certification, Metier, Record, Secteur
from knowledge.normalize import fold, normalize

from . import secteur
from .compose import QUESTION_KEY, Answer, choice_buttons, join_fr, missing, of, title_of
from .config import settings
from .facts import Fact, Focus, focus_after, focus_of, pick_fact
from .gaps import gap_asked
from .record_types import BY_NAME, CERTIFICATION, CHOICE_ENTITY, FORMATION, METIER, SECTEUR
from .resolve import AGAIN, AMBIGUOUS, DESCRIBE_IT, FOUND, UNKNOWN, Alone, Mention, alone, choose, find_mention
from .routing import DESCRIBE, ROUTES, about_certification_only, handler_for, is_question, types_for

CHOOSE, AFFIRM, DENY, OVERVIEW, MORE = "choose_option", "affirm", "deny", "ask_bot_knowledge", "ask_more"
NEXT_PAGE = "next_page"  # slot: « intent|record id|start » of the list to go on with
PENDING_NAME = "pending_name"  # slot: what the student said that several records fit (« pilote »)
REFINING_FILLERS = frozenset("celui celle ceux celles de du des la le les l en plutot et ah non oui bah ben euh "
                             "qui est c ca".split())  # words of « celui de Grenoble » that name nothing
BOTH = re.compile(r"(les|tous les|toutes les|pour les) (deux|2|trois|3)|les deux stp|les 2 stp")
OTHERS = "others"  # slot: the records answered beside the subject (« les deux », two jobs named)
PLURAL = re.compile(r"\b(leurs|chacun|chacune|les deux|tous les deux|eux|respectivement)\b")
FOCUS = "focus"  # slot: the sub-part of the subject under discussion (« bloc:5 », « annee:2018 »)
MORE_BUTTON = {"title": "Voir plus", "payload": "/" + MORE}
FOLLOW_UPS = 4  # buttons of what can be asked next about a record presented
WHOLE_WORD = 90  # a one-word mention matching a record's name less closely is only part of a name (« salarié »)
SURE_ENTITY = 0.9  # an unknown one-word name the NLU is less sure of may be a plain word (« minimum »)
WHOLE_NAME = 95  # a name alone this close to another record's whole name is not a word of one of the options


@dataclass
class Reply:
    """What the turn ends with: one answer and the slots it sets."""

    answer: Answer
    events: list[EventType] = field(default_factory=list)


@dataclass
class Turn:
    """The latest message and the conversation state it is read against."""

    tracker: Tracker
    intent: str  # the kind of question; a choice becomes the question the options answer
    text: str
    entities: list[dict]
    rescued: bool  # the NLU was unsure: words left over may name an unknown record
    gender: str
    pending: list[str]  # record ids offered as buttons
    pending_intent: str
    record_id: Optional[str] = None
    start: int = 0  # the page of a list to answer with (« voir plus »)
    present: bool = False  # the record's presentation, with buttons of what can be asked next
    again: bool = False  # a name alone asking the previous question again (« et ceux du 360 ? »)
    also: list[str] = field(default_factory=list)  # more records the same question is asked about (« les deux »)
    events: list[EventType] = field(default_factory=lambda: [SlotSet("failures", 0.0)])

    @property
    def subject(self) -> Optional[str]:
        return self.tracker.get_slot("subject")


def understand(tracker: Tracker, intent: str, rescued: bool) -> Turn:
    message = tracker.latest_message or {}
    return Turn(tracker, intent, message.get("text") or "", message.get("entities") or [], rescued,
                tracker.get_slot("gender") or "", tracker.get_slot("pending_options") or [],
                tracker.get_slot("pending_intent") or "")


def settle_choice(kb: KnowledgeBase, turn: Turn) -> Optional[Reply]:
    """A choice among the options offered (button, ordinal, name, « oui »), or a button pressed later."""
    both = BOTH.fullmatch(fold(turn.text).strip(" !.?"))
    if both and len(turn.pending) == (3 if re.search(r"trois|3", both.group(0)) else 2):
        turn.record_id, *turn.also = turn.pending  # « les deux »: the question answered for each option
        turn.intent = turn.pending_intent or DESCRIBE
        turn.events += [SlotSet("pending_options", None), SlotSet("pending_intent", None)]
        return None
    if turn.pending:
        another = turn.intent != CHOOSE and _names_another(kb, turn)
        short = turn.intent == CHOOSE or len(turn.text.split()) <= 6
        # an option's own name (« le parcours journalisme ») is a choice; an ordinal is not when the question names
        # another record (« combien gagne un plombier ? »: its « un » is no « the first »)
        picked = choose(kb, turn.text, turn.pending, turn.entities, ordinals=not another) if short else None
        short = short and (picked is not None or not another)
        if not picked and short and not turn.text.startswith("/"):
            refined = _refined(kb, turn)
            if refined is not None and refined.status == AMBIGUOUS:
                turn.intent = turn.pending_intent or turn.intent
                return ask_which(kb, refined, turn)
            picked = refined.record_id if refined is not None else None
        if not picked and is_question(turn.intent) and not _names_another(kb, turn):
            kind = _of_kind_said(kb, Mention(AMBIGUOUS, list(turn.pending)), turn.text)
            picked = kind.record_id  # « niveau d'études minimum pour le métier ? » after « directrice artistique »
        if picked:
            keep = (turn.intent != CHOOSE and is_question(turn.intent)  # « et son salaire ? » asks anew; a word of
                    and ("?" in turn.text or len(turn.text.split()) > 3))  # an option (« spécialisée ») answers it
            turn.record_id, turn.intent = picked, (turn.intent if keep else turn.pending_intent)
            turn.present = turn.intent == DESCRIBE
        turn.events += [SlotSet("pending_options", None), SlotSet("pending_intent", None)]
        if turn.intent == CHOOSE and not picked:
            return Reply(Answer(text="Je n'ai pas compris ton choix : clique sur une des propositions, "
                                     "ou repose ta question.", kind="clarify"))
    if turn.intent == CHOOSE and not turn.record_id:
        choice = next((e["value"] for e in turn.entities if e.get("entity") == CHOICE_ENTITY), None)
        turn.record_id = choice if choice and kb.get(choice) else None
        turn.intent = turn.pending_intent or (DESCRIBE if turn.record_id else turn.intent)
    if turn.intent in (AFFIRM, DENY):
        if turn.intent == AFFIRM and len(turn.pending) == 1:
            turn.record_id, turn.intent = turn.pending[0], turn.pending_intent or DESCRIBE
            turn.present = turn.intent == DESCRIBE
        else:
            return Reply(Answer(text="D'accord ! Pose-moi ta question quand tu veux.", kind="clarify"))
    return None


def _refined(kb: KnowledgeBase, turn: Turn) -> Optional[Mention]:
    """The name asked about, completed by the words of the answer (« pilote » then « de ligne », « l'IEP » then
    « celui de Grenoble », « développeuse » then « l'informatique »): one record, or fewer to choose from."""
    said = str(turn.tracker.get_slot(PENDING_NAME) or "")
    if not said:
        return None
    words = " ".join(w for w in re.findall(r"[\w'’-]+", turn.text) if fold(w) not in REFINING_FILLERS)
    mention = find_mention(kb, f"{said} {words}", [], types_for(turn.pending_intent) or [METIER])
    if mention.status == FOUND or (mention.status == AMBIGUOUS and set(mention.record_ids) != set(turn.pending)
                                   and not mention.more):
        return mention
    return None


NARROWING = re.compile(r"^\s*(et\s+)?(plut[oô]t\s+)?(celui|celle|ceux|le parcours|la sp[ée]cialit[ée]|l['’]option|"
                       r"la mention|parcours|option|mention)\b", re.I)


def narrow_subject(kb: KnowledgeBase, turn: Turn) -> Optional[Reply]:
    """« celui de Grenoble » after « l'IEP », « le parcours journalisme » after « le BUT information-communication »:
    the name the student used for the subject, narrowed by these words, names another record of its kind; the
    question just asked is asked of it."""
    words = turn.text.split()
    narrowing = bool(NARROWING.match(turn.text)) and len(words) <= 6
    short = len(words) <= 2 and not turn.pending
    if turn.record_id is not None or not (narrowing or short) or turn.text.startswith("/"):
        return None
    subject = kb.get(turn.subject or "")
    said = _name_words(kb, subject, str(turn.tracker.get_slot(PENDING_NAME) or "")) if subject else ""
    if not said:
        return None
    words = " ".join(w for w in re.findall(r"[\w'’-]+", turn.text) if fold(w) not in REFINING_FILLERS)
    mention = find_mention(kb, f"{said} {words}", [], [subject.type])
    if mention.status == AMBIGUOUS and narrowing:
        return ask_which(kb, mention, turn)
    if mention.status != FOUND or mention.record_id == subject.id:
        return None
    if not narrowing and not all(w in fold(mention.text) for w in fold(f"{said} {words}").split()):
        return None  # « spécialisée » after « éducatrice » names « éducatrice spécialisée »; a new name does not
    question = previous_question(turn.tracker)
    turn.record_id = mention.record_id
    turn.intent = question if subject.type in types_for(question) else DESCRIBE
    turn.present = turn.intent == DESCRIBE
    return None


def _name_words(kb: KnowledgeBase, record: Record, said: str) -> str:
    """The words of what the student said that belong to the record's names (« rentre l'IEP » → « IEP »)."""
    known = {w for i in kb.linker.by_record.get(record.id, ()) for w in kb.linker.aliases[i].norm.split()}
    return " ".join(w for w in re.findall(r"[\w'’-]+", said)
                    if normalize(w).text and set(normalize(w).text.split()) <= known)


def chooses(kb: KnowledgeBase, tracker: Tracker) -> bool:
    """Whether the latest message picks one of the options offered in words (« de ligne », « celui de la Paris
    School »), whatever the NLU made of it: then it is answered as that choice."""
    turn = understand(tracker, "", False)
    words = len(turn.text.split())
    if not turn.pending or words > 12:
        return False
    if choose(kb, turn.text, turn.pending, turn.entities, ordinals=words <= 6):
        return True  # « celle en collectivité, elle est rattachée à qui ? »: an option's own name
    if words > 6:
        return False
    turn.intent = turn.pending_intent
    refined = _refined(kb, turn)
    return refined is not None


def name_alone(kb: KnowledgeBase, turn: Turn) -> Optional[Reply]:
    """A message that is only a name (« chef de publicité », « RNCP28684 », « technicien »), whatever the NLU
    made of it: the fiche presented, with what can be asked next. A correction or a follow-up (« non, je
    parlais du titre 360 », « plutôt le cross-média », « et le titre 360 ? ») and a name typed instead of pressing
    one of the options offered get the question asked about that record instead. A name that fits several
    records asks which (buttons), never picks one."""
    if turn.record_id is not None or turn.intent == MORE:
        return None
    said = alone(kb, turn.text, turn.entities)
    if said is None or (turn.subject and _loose_word(said.mention, turn.entities)):
        return None  # « c'est un job salarié ? » is about the subject under way, not the fiche « salarié agricole »
    picked = choose(kb, turn.text, turn.pending, turn.entities) if turn.pending else None
    if picked and (picked in said.mention.record_ids or said.mention.score < WHOLE_NAME):
        return None  # one of the options offered (« plutôt le cross-média »): settle_choice takes it
    question = _question_for(kb, said, turn)
    turn.again = said.mode == AGAIN
    turn.events += [SlotSet("pending_options", None), SlotSet("pending_intent", None)]
    turn.pending, turn.pending_intent, turn.intent = [], "", question
    mention = _the_other(kb, _of_kind_said(kb, said.mention, turn.text), turn)
    near = _near(kb, turn, mention.record_ids) if mention.status == AMBIGUOUS else None
    if near:
        mention = Mention(FOUND, [near], mention.text, mention.gender, total=1, score=mention.score)
    if mention.status == AMBIGUOUS:
        fitting = [i for i in mention.record_ids if kb.linker.types.get(i) in types_for(question)]
        if question == DESCRIBE or mention.more or len(fitting) != 1:
            return ask_which(kb, mention, turn)
        mention = Mention(FOUND, fitting, mention.text, mention.gender)  # the one the question is about
    turn.record_id, turn.gender = mention.record_id, mention.gender or turn.gender
    turn.present = question == DESCRIBE
    return None


def _the_other(kb: KnowledgeBase, mention: Mention, turn: Turn) -> Mention:
    """« non, l'autre titre de chargé de com »: of two records a name fits, the one that is not the subject."""
    if (mention.status == AMBIGUOUS and len(mention.record_ids) == 2 and turn.subject in mention.record_ids
            and re.search(r"\bautre\b", fold(turn.text))):
        other = next(i for i in mention.record_ids if i != turn.subject)
        return Mention(FOUND, [other], mention.text, mention.gender, total=1, score=mention.score)
    return mention


KIND_WORDS = ((re.compile(r"\bm[ée]tiers?\b", re.I), METIER),
              (re.compile(r"\b(titres?|certifications?|certifs?|rncp)\b", re.I), CERTIFICATION),
              (re.compile(r"\b(formations?|dipl[ôo]mes?|bts|but|cap|licences?|masters?)\b", re.I), FORMATION))


def _of_kind_said(kb: KnowledgeBase, mention: Mention, text: str) -> Mention:
    """Several records for a name, and the message says which kind it means (« le métier d'architecte
    d'intérieur »): the records of that kind, one of them found when it is the only one."""
    if mention.status != AMBIGUOUS:
        return mention
    said = text.replace(mention.text, " ") if mention.text else text  # « BTS » inside the name says nothing of it
    lead = re.match(r"\s*(\w+)", mention.text or "")
    said += " " + lead.group(1) if lead and fold(lead.group(1)) in ("titre", "certification", "metier") else ""
    for words, kind in KIND_WORDS:
        if words.search(said):
            fitting = [i for i in mention.record_ids if kb.linker.types.get(i) == kind]
            name = fold(re.sub(r"^(d['’]|de |du |des |l['’]|le |la )", "", mention.text.strip(), flags=re.I))
            fitting = [i for i in fitting if fold(kb.get(i).label) == name] or fitting  # its own name
            if fitting and len(fitting) < len(mention.record_ids):
                return Mention(FOUND if len(fitting) == 1 else AMBIGUOUS, fitting, mention.text, mention.gender,
                               total=len(fitting), score=mention.score)
    return mention


def _question_for(kb: KnowledgeBase, said: Alone, turn: Turn) -> str:
    """What a name alone asks: the question of the options it replaces, or, for a correction, the question just
    answered, when it applies to that record's type; else its presentation (« c'est quoi X ? » always)."""
    if said.mode == DESCRIBE_IT:
        return DESCRIBE
    wanted = turn.pending_intent if turn.pending else ""
    if said.mode == AGAIN:
        wanted = wanted or previous_question(turn.tracker)
    types = {kb.linker.types.get(i) for i in said.mention.record_ids}
    fits = types & set(types_for(wanted)) or (
        said.mode == AGAIN and about_certification_only(wanted) and METIER in types)  # that job's certification
    return wanted if wanted and fits else DESCRIBE


def previous_question(tracker: Tracker) -> str:
    """The question the latest answer answered (an intent; "" if none): its bot message says so, else, in
    conversations recorded before it did, the question intent of the student's previous message."""
    current = True
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if current:
                current = False
                continue
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            if is_question(intent):
                return intent
        elif event.get("event") == "bot" and not current:
            question = (event.get("metadata") or {}).get(QUESTION_KEY) or ""
            if is_question(question):
                return question
    return ""


def _names_another(kb: KnowledgeBase, turn: Turn) -> bool:
    """A new question that names a record of its own, not one of the options (« combien gagne un plombier ? »
    after a list of jobs: its « un » is no ordinal)."""
    if not is_question(turn.intent):
        return False
    mention = find_mention(kb, turn.text, turn.entities, types_for(turn.intent))
    return mention.status == FOUND and mention.record_id not in turn.pending


def go_on(kb: KnowledgeBase, turn: Turn) -> Optional[Reply]:
    """« Voir plus », « la suite » : the next page of the latest list, its question and record."""
    if turn.intent != MORE:
        return None
    intent, _, rest = str(turn.tracker.get_slot(NEXT_PAGE) or "").partition("|")
    record_id, _, start = rest.rpartition("|")
    turn.events += [SlotSet("pending_options", None), SlotSet("pending_intent", None)]
    if not (intent and record_id and start.isdigit() and kb.get(record_id)):
        return Reply(Answer(text="Je n'ai pas d'autre résultat à te montrer. Pose-moi une nouvelle question !",
                            kind="clarify"), [SlotSet(NEXT_PAGE, None)])
    turn.intent, turn.record_id, turn.start = intent, record_id, int(start)
    return None


def answer_without_record(kb: KnowledgeBase, turn: Turn) -> Optional[Reply]:
    """Questions about the assistant itself, and messages that are no question it knows."""
    if turn.intent == OVERVIEW:
        return Reply(secteur.knowledge_overview(kb))
    if not types_for(turn.intent):
        return Reply(Answer(text="Je n'ai pas compris ta question. Peux-tu la reformuler ?", kind="clarify"))
    return None


def pick_record(kb: KnowledgeBase, turn: Turn) -> Optional[Reply]:
    """The record the question is about: named in the message, else the subject of earlier turns."""
    if turn.record_id is not None:
        return None
    types = types_for(turn.intent)
    mention = find_mention(kb, turn.text, turn.entities, types, residual_unknown=turn.rescued or not turn.subject)
    subject = kb.get(turn.subject or "")
    loose = subject is not None and mention.status != "none" and (
        _loose_word(mention, turn.entities) or _within_fact(kb, subject, mention, turn))
    if mention.status == FOUND and not loose:
        turn.record_id, turn.gender = mention.record_id, mention.gender or turn.gender
        turn.events.append(SlotSet(PENDING_NAME, mention.text or None))  # « celui de Grenoble » narrows it
        several = _named_too(kb, turn, types)
        if several:
            turn.record_id, *turn.also = several
        return None
    if mention.status == AMBIGUOUS and not loose:
        turn.record_id = _near(kb, turn, mention.record_ids)
        return None if turn.record_id else ask_which(kb, mention, turn)
    if mention.status == UNKNOWN and not loose:
        return unknown(kb, mention, turn.intent)
    turn.record_id, clarify = from_context(kb, turn, types)
    if turn.record_id is not None:
        others = [i for i in turn.tracker.get_slot(OTHERS) or [] if i != turn.record_id and kb.get(i)]
        if others and PLURAL.search(fold(turn.text)):  # « et leurs salaires ? » after two jobs
            turn.also = others
        return None
    if clarify:
        return ask_which(kb, clarify, turn)
    return Reply(Answer(text=f"De quoi parles-tu ? Précise {BY_NAME[types[0]].ask_which(kb)}.", kind="clarify"))


def _near(kb: KnowledgeBase, turn: Turn, ids: list[str]) -> Optional[str]:
    """Of the records a generic word fits, the only one the conversation is about: the subject, the records
    answered beside it, the jobs of the sector under way (« et pour être auxiliaire… » after the auxiliaire
    spécialisé vétérinaire, « parle-moi du concepteur » after an agency's organisation chart)."""
    subject = kb.get(turn.subject or "")
    recent = [turn.subject, *(turn.tracker.get_slot(OTHERS) or [])]
    if isinstance(subject, Secteur):
        recent += subject.metiers
    near = {i for i in recent if i in ids}
    return near.pop() if len(near) == 1 else None


def _named_too(kb: KnowledgeBase, turn: Turn, types: list[str]) -> list[str]:
    """Records of one kind the message names in turn, joined by « et », « , » or « ou » (« traffic manager et
    média planneur, c'est quel niveau pour chacun ? »): each is asked the question, in order; [] for one."""
    if not re.search(r"\bet\b|,|\bou\b", turn.text):
        return []
    named: list[str] = []
    for piece in re.split(r"\bet\b|,|\bou\b", turn.text):
        mention = find_mention(kb, piece, [], types)
        if mention.status == FOUND and mention.score >= WHOLE_WORD and mention.record_id not in named:
            named.append(mention.record_id)
    kinds = {kb.linker.types.get(i) for i in named}
    return named if len(named) >= 2 and len(kinds) == 1 else []


def _within_fact(kb: KnowledgeBase, subject: Record, mention: Mention, turn: Turn) -> bool:
    """A question asking a precise fact of the subject (« et son nom commercial ? », « et leur site internet ? »,
    « il travaille avec qui dans l'agence ? »): a name among its words is no other record unless the message
    clearly names one (a record found whole, of the subject's kind or another)."""
    found = fact_of(kb, subject, turn)
    if found is None:
        return False
    if fold(mention.text) and fold(mention.text) in found[0].words(turn.text):
        return True  # « commercial » is a word of « nom commercial »
    if mention.status in (AMBIGUOUS, UNKNOWN):
        return True
    return mention.score < WHOLE_NAME and subject.type not in {kb.linker.types.get(i) for i in mention.record_ids}


def _loose_word(mention: Mention, entities: list[dict]) -> bool:
    """One word of a follow-up that only loosely names something (« cette certif », « il préside », « il peut être
    artisan ? », « salarié », « minimum »): with a subject under way, the question is about it. A word counts as
    loose when it fits many records, only part of a name, or is an unsure guess of the NLU the base does not know."""
    if len(mention.text.split()) > 2:
        return False
    guesses = [float(e.get("confidence_entity") or 1.0) for e in entities
               if fold(e.get("value") or "") == fold(mention.text)]
    if mention.status in (AMBIGUOUS, FOUND):
        return mention.score < WHOLE_WORD and not any(sure >= SURE_ENTITY for sure in guesses)
    if mention.status == UNKNOWN and len(mention.text.split()) == 1:
        return any(sure < SURE_ENTITY for sure in guesses)
    return False


def route_and_compose(kb: KnowledgeBase, turn: Turn) -> Reply:
    """The composer for (question, record type), and its answer; the subject slots follow the record."""
    record = kb.get(turn.record_id or "")
    if record is None:
        return Reply(Answer(text="Je ne retrouve plus cette fiche dans ma base.", kind="missing"))
    lacking = gap_asked(turn.text, record)
    if lacking:  # a fact no fiche holds: said plainly, with what can be asked instead
        result = missing(record, lacking, f"« {title_of(record, turn.gender)} »")
        result.buttons = follow_ups(kb, record, turn.gender)
        return Reply(result, remember(record, turn.gender))
    found = fact_of(kb, record, turn)
    if found is not None:  # one precise fact (a SIRET, block 5's assessment, the 2018 figures)
        fact, record, focus = found
        result = fact.compose(kb, record, focus, turn.gender)
        result.question = fact.intent
        return Reply(result, remember(record, turn.gender) + [SlotSet(FOCUS, focus_after(fact, focus).slot())])
    if about_certification_only(turn.intent) and isinstance(record, Metier):
        certs = kb.certifications_for_metier(record.id)
        if len(certs) != 1:
            return certifications_of_job(kb, record, certs, turn)
        record = kb.get(certs[0])
    handler = handler_for(record, turn.intent)
    if handler is None:
        return Reply(missing(record, "cette information", f"« {record.label} »"))
    pages = turn.start and "start" in inspect.signature(handler).parameters
    result = handler(kb, record, turn.gender, start=turn.start) if pages else handler(kb, record, turn.gender)
    focus = focus_of(turn.text, record, _focus(turn, record), {previous_question(turn.tracker), turn.intent})
    focus = Focus(focus.kind, focus.value) if focus else None  # no precise fact answered this time
    events = remember(record, turn.gender) + offer(kb, result, record, turn) + [
        SlotSet(FOCUS, focus.slot() if focus else None)]
    if turn.present and not result.buttons and result.kind == "answer":
        result.buttons = follow_ups(kb, record, turn.gender)
    return Reply(result, events)


def _focus(turn: Turn, record: Record) -> Optional[Focus]:
    """The sub-part discussed in the previous turn if it was about this record; about another record of the same
    type, only the fact last answered (« et ceux du 360 ? » after the ROME codes of the cross-média)."""
    focus = Focus.parse(turn.tracker.get_slot(FOCUS))
    if focus is None or turn.subject == record.id:
        return focus
    return Focus(fact=focus.fact) if focus.fact else None


def fact_of(kb: KnowledgeBase, record: Record, turn: Turn) -> Optional[tuple[Fact, Record, Optional[Focus]]]:
    """The precise fact the question asks about `record` (or about the only certification of a job), the record
    holding it, and the sub-part in focus."""
    candidates = [record]
    if isinstance(record, Metier):
        certs = kb.certifications_for_metier(record.id)
        candidates += [kb.get(certs[0])] if len(certs) == 1 else []
    for holder in candidates:
        focus = focus_of(turn.text, holder, _focus(turn, holder), {previous_question(turn.tracker), turn.intent})
        fact = pick_fact(turn.text, holder, focus, again=turn.again)
        if fact is not None and not (holder is not record and fact.job_has_it):
            return fact, holder, focus
    return None


def subject_fact(kb: KnowledgeBase, tracker: Tracker) -> Optional[str]:
    """The question intent of a message that asks a precise fact (« leur siret ? », « et en 2018 ? ») or a fact no
    fiche holds (« ça coûte combien à l'ISEFAC ? ») about the record it names or, naming none, the subject under
    way, whatever the NLU made of it; None otherwise."""
    turn = understand(tracker, "", False)
    mention = find_mention(kb, turn.text, turn.entities, list(BY_NAME))
    named = kb.get(mention.record_id or "") if mention.status == FOUND else None
    subject = kb.get(turn.subject or "")
    for record in (named, subject):
        if record is None:
            continue
        if gap_asked(turn.text, record):
            return DESCRIBE
        found = fact_of(kb, record, turn)
        if found is not None:
            return found[0].intent
        if record is named and subject is not None:
            return None  # another record named: the subject's facts do not apply
    return None


def follow_ups(kb: KnowledgeBase, record: Record, gender: str) -> list[dict]:
    """Buttons of what can be asked next about a record presented: the questions its type answers whose facts
    this record has (each button sends the question's intent; the next turn answers it about this subject)."""
    known = BY_NAME.get(record.type)
    buttons = []
    for title, intent in known.follow_ups if known else ():
        handler = ROUTES.get(intent, {}).get(record.type)
        if handler is not None and handler(kb, record, gender).kind == "answer":
            buttons.append({"title": title, "payload": "/" + intent})
        if len(buttons) == FOLLOW_UPS:
            break
    return buttons


def offer(kb: KnowledgeBase, result: Answer, record: Record, turn: Turn) -> list[EventType]:
    """The records a list names become buttons (and options for « le deuxième »), plus « Voir plus » when the
    list goes on; the slots that let the next turn pick one or ask for the rest."""
    events: list[EventType] = [SlotSet(NEXT_PAGE, f"{turn.intent}|{record.id}|{result.more}"
                                       if result.more is not None else None)]
    if result.options and not result.buttons:
        listed = [r for r in (kb.get(i) for i in result.options) if r is not None]
        result.buttons = choice_buttons(listed, turn.gender)
        events += [SlotSet("pending_options", [r.id for r in listed]), SlotSet("pending_intent", DESCRIBE)]
    if result.more is not None:
        result.buttons = [*result.buttons, MORE_BUTTON]
    return events


def remember(record: Record, gender: str) -> list[EventType]:
    """The slots that make `record` the subject of the next follow-up."""
    events = [SlotSet("subject", record.id), SlotSet("gender", gender or None)]
    known = BY_NAME.get(record.type)
    if known and known.slot:
        events.append(SlotSet(known.slot, record.id))
    return events


# -- the ways a turn can end before its answer ---------------------------------------------------------------

def from_context(kb: KnowledgeBase, turn: Turn, types: list[str]) -> tuple[Optional[str], Optional[Mention]]:
    """The subject of earlier turns this question can be about: the latest subject if it fits, else
    that job's certification(s), else the last record of a fitting type, else the only sector."""
    previous = kb.get(turn.subject or "")
    if previous is not None and (previous.type in types or fact_of(kb, previous, turn) is not None):
        return previous.id, None  # « il est sous l'autorité de qui ? » asks the subject's fiche whatever the intent
    if CERTIFICATION in types and isinstance(previous, Metier):
        certs = kb.certifications_for_metier(previous.id)
        if len(certs) == 1:
            return certs[0], None
        if certs:
            return None, Mention(AMBIGUOUS, certs)
    for wanted in types:
        slot = BY_NAME[wanted].slot if wanted in BY_NAME else None
        if slot and turn.tracker.get_slot(slot):
            return turn.tracker.get_slot(slot), None
    if SECTEUR in types:
        sectors = kb.ids(SECTEUR)
        if len(sectors) == 1:
            return sectors[0], None
    return None, None


def ask_which(kb: KnowledgeBase, mention: Mention, turn: Turn) -> Reply:
    """The records a name may mean, as buttons in the student's gender; for a generic word (« ingénieur »)
    the likeliest few and how many there are, with a request to say more."""
    records = [r for r in (kb.get(i) for i in mention.record_ids) if r is not None]
    gender = mention.gender or turn.gender
    said = f"« {mention.text} »" if mention.text else "Ta question"
    if mention.more:
        text = (f"{said} correspond à {mention.total} fiches de ma base. Voici les plus proches ; si ce n'est "
                "aucune d'elles, précise ta demande (le domaine, la spécialité…).")
    else:
        text = f"{said} peut correspondre à plusieurs fiches. Laquelle veux-tu ?"
    return Reply(Answer(text=text, buttons=choice_buttons(records, gender), kind="ambiguous"),
                 [SlotSet("pending_options", [r.id for r in records]), SlotSet("pending_intent", turn.intent),
                  SlotSet("gender", gender or None), SlotSet(PENDING_NAME, mention.text or None)])


def certifications_of_job(kb: KnowledgeBase, job: Metier, certs: list[str], turn: Turn) -> Reply:
    """A question only a certification answers, about a job with none or several of them."""
    title = title_of(job, turn.gender)
    if not certs:
        return Reply(Answer(text=f"Cette question porte sur une certification, et je n'en connais aucune liée au "
                                 f"métier {of(title)}.", record_id=job.id, kind="missing"),
                     [SlotSet("metier_id", job.id), SlotSet("subject", job.id)])
    records = [kb.get(c) for c in certs]
    return Reply(Answer(text=f"Ces informations concernent une certification. Pour le métier {of(title)}, je connais : "
                             + join_fr([f"« {c.intitule} »" for c in records if isinstance(c, Certification)])
                             + ". Laquelle t'intéresse ?", buttons=choice_buttons(records), kind="ambiguous"),
                 [SlotSet("pending_options", certs), SlotSet("pending_intent", turn.intent),
                  SlotSet("metier_id", job.id), SlotSet("subject", job.id)])


def unknown(kb: KnowledgeBase, mention: Mention, intent: str) -> Reply:
    """Say the base does not hold it; suggest close records (a press answers the question about it)."""
    suggestions = [r for r in (kb.get(i) for i in mention.suggestions) if r is not None][:3]
    text = f"Je ne connais pas « {mention.text} » : ce n'est pas dans ma base, et je préfère ne rien inventer."
    if suggestions:
        text += " Tu pensais peut-être à l'une de ces fiches ?"
    text += f"\nPour un conseil personnalisé, tu peux contacter {settings().counsellor}."
    events = [SlotSet("pending_options", [r.id for r in suggestions]), SlotSet("pending_intent", intent),
              SlotSet(PENDING_NAME, None)]
    return Reply(Answer(text=text, buttons=choice_buttons(suggestions), kind="unknown"), events if suggestions else [])
