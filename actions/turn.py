"""One knowledge question, step by step: understand the turn → (actions/choices.py: the subject narrowed, a name
alone, a choice among the options offered) → pick the record (named, else the subject and the records of the
conversation) → a fact no fiche holds, or one precise fact (actions/facts.py), else route → compose.

Each step either moves the turn on (a record chosen, the question settled) or ends it with a `Reply`:
a choice that failed, a name the base does not know, several fiches to choose from, a fact it lacks."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from knowledge.kb import KnowledgeBase
from knowledge.model import Certification, Metier, Record, Secteur
from knowledge.normalize import fold

from . import secteur
from .compare import compare
from .compose import QUESTION_KEY, Answer, choice_buttons, join_fr, missing, of, title_of
from .config import settings
from .facts import Fact, focus_after, pick_fact
from .focus import Focus, focus_of
from .gaps import gap_asked
from .record_types import BY_NAME, CERTIFICATION, SECTEUR, type_of_entity
from .resolve import AMBIGUOUS, FOUND, UNKNOWN, Mention, find_mention
from .routing import DESCRIBE, ROUTES, about_certification_only, handler_for, is_question, types_for

CHOOSE, AFFIRM, DENY, OVERVIEW, MORE = "choose_option", "affirm", "deny", "ask_bot_knowledge", "ask_more"
COMPARE = "ask_comparison"
NEXT_PAGE = "next_page"  # slot: « intent|record id|start » of the list to go on with
PENDING_NAME = "pending_name"  # slot: what the student said that several records fit (« pilote »)
OTHERS = "others"  # slot: the records answered beside the subject (« les deux », two jobs named)
FOCUS = "focus"  # slot: the sub-part of the subject under discussion (« bloc:5 », « annee:2018 »)
MORE_BUTTON = {"title": "Voir plus", "payload": "/" + MORE}
FOLLOW_UPS = 4  # buttons of what can be asked next about a record presented
WHOLE_WORD = 90  # a one-word mention matching a record's name less closely is only part of a name (« salarié »)
WHOLE_NAME = 95  # a name alone this close to another record's whole name is not a word of one of the options
SURE_ENTITY = 0.9  # an unknown one-word name the NLU is less sure of may be a plain word (« minimum »)
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
    facts: dict = field(default_factory=dict, repr=False)  # fact_of's answers this turn, by (record, intent, again)

    @property
    def subject(self) -> Optional[str]:
        return self.tracker.get_slot("subject")

    @cached_property
    def previous(self) -> str:
        """The question the latest answer answered (`previous_question`), read once per turn."""
        return previous_question(self.tracker)


def understand(tracker: Tracker, intent: str, rescued: bool) -> Turn:
    message = tracker.latest_message or {}
    return Turn(tracker, intent, message.get("text") or "", message.get("entities") or [], rescued,
                tracker.get_slot("gender") or "", tracker.get_slot("pending_options") or [],
                tracker.get_slot("pending_intent") or "")


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
    if turn.intent == COMPARE:
        asked = _compared(kb, turn, types)
        if asked is not None or turn.record_id is not None:
            return asked
    mention = find_mention(kb, turn.text, turn.entities, types, residual_unknown=turn.rescued or not turn.subject)
    subject = kb.get(turn.subject or "")
    loose = subject is not None and mention.status != "none" and (
        loose_word(mention, turn.entities) or _within_fact(kb, subject, mention, turn))
    if mention.status == FOUND and not loose:
        turn.record_id, turn.gender = mention.record_id, said_gender(mention, turn.gender)
        turn.events.append(SlotSet(PENDING_NAME, mention.text or None))  # « celui de Grenoble » narrows it
        several = _named_too(kb, turn, types)
        if several:
            turn.record_id, *turn.also = several
        return None
    if mention.status == AMBIGUOUS and not loose:
        turn.record_id = near(kb, turn, mention.record_ids)
        return None if turn.record_id else ask_which(kb, mention, turn)
    if mention.status == UNKNOWN and not loose:
        return unknown(kb, mention, turn.intent)
    turn.record_id, clarify = from_context(kb, turn, types)
    if turn.record_id is not None:
        others = [i for i in turn.tracker.get_slot(OTHERS) or [] if i != turn.record_id and kb.get(i)]
        if others:  # the last answer was about several records: « et leurs salaires ? », « compare-les »
            turn.record_id, turn.also = turn.tracker.get_slot(OTHERS)[0], [
                i for i in turn.tracker.get_slot(OTHERS)[1:] if kb.get(i)]
        return None
    if clarify:
        return ask_which(kb, clarify, turn)
    if turn.pending:  # « et le salaire ? » while options wait: the same options, for this question
        said = str(turn.tracker.get_slot(PENDING_NAME) or "")
        return ask_which(kb, Mention(AMBIGUOUS, list(turn.pending), said, total=len(turn.pending)), turn)
    return Reply(Answer(text=f"De quoi parles-tu ? Précise {BY_NAME[types[0]].ask_which(kb)}.", kind="clarify"))


def near(kb: KnowledgeBase, turn: Turn, ids: list[str]) -> Optional[str]:
    """Of the records a generic word fits, the only one the conversation is about: the subject, the records
    answered beside it, the jobs of the sector under way (« et pour être auxiliaire… » after the auxiliaire
    spécialisé vétérinaire, « parle-moi du concepteur » after an agency's organisation chart)."""
    subject = kb.get(turn.subject or "")
    recent = [turn.subject, *(turn.tracker.get_slot(OTHERS) or [])]
    if isinstance(subject, Secteur):
        recent += subject.metiers
    near = {i for i in recent if i in ids}
    return near.pop() if len(near) == 1 else None


COMPARED = re.compile(r"\bet\b|,|\bou\b|/|\bvs\.?|\bversus\b|\bentre\b|\bpar rapport (au|à la|aux|à)\b", re.I)


def _compared(kb: KnowledgeBase, turn: Turn, types: list[str]) -> Optional[Reply]:
    """The records a comparison names, of any kind (compare() says when kinds differ); a name several records fit
    is asked first, the others named kept for the comparison that follows the choice."""
    found: list[str] = []
    unclear: Optional[Mention] = None
    pieces = COMPARED.split(turn.text)
    named = [str(e["value"]) for e in turn.entities if type_of_entity(e) and e.get("value")]
    if len(named) >= 2 and sum(any(n in piece for n in named) for piece in pieces if piece) < 2:
        pieces = named  # « X c'est équivalent à Y ? »: no word between them that parts them, the names do
    for piece in pieces:
        if not piece or not piece.strip() or not kb.linker.content_words(piece):
            continue
        entities = [e for e in turn.entities if str(e.get("value") or "") and str(e["value"]) in piece]
        mention = find_mention(kb, piece, entities, types)
        if mention.status == FOUND and mention.score >= WHOLE_WORD and mention.record_id not in found:
            found.append(mention.record_id)
        elif mention.status == AMBIGUOUS and unclear is None:
            unclear = mention
    if unclear is not None and found:
        turn.events.append(SlotSet(OTHERS, found))  # compared with the one chosen (actions/turn.py side_by_side)
        return ask_which(kb, unclear, turn)
    if len(found) >= 2:
        turn.record_id, *turn.also = found
    return None


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


def loose_word(mention: Mention, entities: list[dict]) -> bool:
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


def side_by_side(kb: KnowledgeBase, turn: Turn) -> Optional[Reply]:
    """« différence entre X et Y ? »: the records named (or the subject and the one named, or those of the last
    answer) side by side; one record alone asks what to compare it with."""
    if turn.intent != COMPARE or turn.record_id is None:
        return None
    ids = [turn.record_id, *turn.also]
    waiting = [i for i in turn.tracker.get_slot(OTHERS) or [] if i != ids[0]]
    subject = kb.get(turn.subject or "")
    if len(ids) == 1 and waiting:
        ids = [*waiting, ids[0]]  # the records named with one that had to be chosen first
    elif len(ids) == 1 and subject is not None and subject.id != ids[0]:
        ids = [subject.id, ids[0]]  # « et par rapport au titre 360 ? »
    records = [r for r in (kb.get(i) for i in dict.fromkeys(ids)) if r is not None]
    turn.also = []
    if len(records) < 2:
        title = title_of(records[0], turn.gender) if records else ""
        return Reply(Answer(text=f"Avec quelle autre fiche veux-tu comparer « {title} » ? Donne-moi son nom "
                                 "(par exemple « différence entre X et Y »).", kind="clarify"),
                     remember(records[0], turn.gender) if records else [])
    result = compare(kb, records, turn.gender)
    result.question = COMPARE
    events = [SlotSet(OTHERS, [r.id for r in records])] if result.kind == "answer" else []
    return Reply(result, remember(records[-1], turn.gender) + events)


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
    focus = focus_of(turn.text, record, _focus(turn, record), {turn.previous, turn.intent})
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
    holding it, and the sub-part in focus; worked out once per turn for a record and a question."""
    key = (record.id, turn.intent, turn.again)
    if key not in turn.facts:
        turn.facts[key] = _fact_of(kb, record, turn)
    return turn.facts[key]


def _fact_of(kb: KnowledgeBase, record: Record, turn: Turn) -> Optional[tuple[Fact, Record, Optional[Focus]]]:
    candidates = [record]
    if isinstance(record, Metier):
        certs = kb.certifications_for_metier(record.id)
        candidates += [kb.get(certs[0])] if len(certs) == 1 else []
    for holder in candidates:
        focus = focus_of(turn.text, holder, _focus(turn, holder), {turn.previous, turn.intent})
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


def said_gender(mention: Mention, gender: str) -> str:
    """The gender of a name the student typed (« chef de pub » after « directrice artistique » is no « cheffe »);
    without a typed name, the conversation's."""
    return mention.gender if mention.text else gender


def ask_which(kb: KnowledgeBase, mention: Mention, turn: Turn) -> Reply:
    """The records a name may mean, as buttons in the student's gender; for a generic word (« ingénieur »)
    the likeliest few and how many there are, with a request to say more."""
    records = [r for r in (kb.get(i) for i in mention.record_ids) if r is not None]
    gender = said_gender(mention, turn.gender)
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
