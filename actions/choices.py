"""Choices and corrections in words: an option picked by button, rank, name, certifier or kind (« le deuxième »,
« celui de la Paris School », « pour le métier »), « les deux », a generic name completed by the next words
(« pilote » then « de ligne »), the subject narrowed (« celui de Grenoble », « le parcours journalisme »), a name
alone (its fiche) and a correction (« non, je parlais du 360 », « l'autre titre »)."""

from __future__ import annotations

import re
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from knowledge.kb import KnowledgeBase
from knowledge.model import Record
from knowledge.normalize import fold, normalize

from .compose import Answer
from .record_types import CERTIFICATION, CHOICE_ENTITY, FORMATION, INTERET, METIER, type_of_entity
from .resolve import AGAIN, AMBIGUOUS, DESCRIBE_IT, FOUND, Alone, Mention, alone, choose, find_mention
from .routing import DESCRIBE, about_certification_only, is_question, types_for
from .turn import (AFFIRM, CHOOSE, COMPARE, DENY, MORE, PENDING_NAME, WHOLE_NAME, Reply, Turn, ask_which, loose_word,
                   near, said_gender, understand)

REFINING_FILLERS = frozenset("celui celle ceux celles de du des la le les l en plutot et ah non oui bah ben euh "
                             "qui est c ca".split())  # words of « celui de Grenoble » that name nothing
ASKS = re.compile(r"\?|\b(quel(le)?s?|combien|comment|où|quoi|qui|pourquoi|quand|est-ce|salaire|niveau|études|"
                  r"etudes|métiers?|metiers?)\b", re.I)  # a question of its own, beside the option's name
BOTH = re.compile(r"(les|tous les|toutes les|pour les) (deux|2|trois|3)|les deux stp|les 2 stp")


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
        words = len(turn.text.split())
        short = turn.intent == CHOOSE or words <= 6
        # an option's own name is a choice, in a short message (« le parcours journalisme ») or a question about it
        # (« celle en collectivité, elle est rattachée à qui ? »); an ordinal only in a short message that names no
        # other record (« combien gagne un plombier ? »: its « un » is no « the first »)
        picked = (choose(kb, turn.text, turn.pending, turn.entities, ordinals=short and not another)
                  if short or words <= 12 else None)
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
                    and ASKS.search(turn.text) is not None)  # an option (« spécialisée », « pas celui-là ») answers it
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
    words = _naming_words(turn.text)
    mention = find_mention(kb, f"{said} {words}", [], types_for(turn.pending_intent) or [METIER])
    if mention.status == FOUND or (mention.status == AMBIGUOUS and set(mention.record_ids) != set(turn.pending)
                                   and not mention.more):
        return mention
    return None


NARROWING = re.compile(r"^\s*(et\s+)?(plut[oô]t\s+)?(celui|celle|ceux|le parcours|la sp[ée]cialit[ée]|l['’]option|"
                       r"la mention|parcours|option|mention)\b", re.I)


def _naming_words(text: str) -> str:
    """The words of a message that may complete a name (« celui de Grenoble » → « Grenoble »)."""
    return " ".join(w for w in re.findall(r"[\w'’-]+", text) if fold(w) not in REFINING_FILLERS)


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
    words = _naming_words(turn.text)
    mention = find_mention(kb, f"{said} {words}", [], [subject.type])
    if mention.status == AMBIGUOUS and narrowing:
        return ask_which(kb, mention, turn)
    if mention.status != FOUND or mention.record_id == subject.id:
        return None
    if not narrowing and not all(w in fold(mention.text) for w in fold(f"{said} {words}").split()):
        return None  # « spécialisée » after « éducatrice » names « éducatrice spécialisée »; a new name does not
    question = turn.previous
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
    if turn.intent == COMPARE and sum(1 for e in turn.entities if type_of_entity(e)) >= 2:
        return None  # « électricienne ou plombière ? »: two names to compare, not one long name
    said = alone(kb, turn.text, turn.entities)
    if said is None or (turn.subject and loose_word(said.mention, turn.entities)):
        return None  # « c'est un job salarié ? » is about the subject under way, not the fiche « salarié agricole »
    if turn.pending and {kb.linker.types.get(i) for i in said.mention.record_ids} == {INTERET}:
        return None  # « l'informatique » after « développeuse » narrows the options: no centre d'intérêt
    picked = choose(kb, turn.text, turn.pending, turn.entities) if turn.pending else None
    if picked and (picked in said.mention.record_ids or said.mention.score < WHOLE_NAME
                   or re.search(r"\bpas\b", fold(turn.text))):
        return None  # one of the options offered (« plutôt le cross-média », « pas celui de l'ISEFAC »): a choice
    question = _question_for(kb, said, turn)
    turn.again = said.mode == AGAIN
    turn.events += [SlotSet("pending_options", None), SlotSet("pending_intent", None)]
    turn.pending, turn.pending_intent, turn.intent = [], "", question
    mention = _the_other(kb, _of_kind_said(kb, said.mention, turn.text), turn)
    close = near(kb, turn, mention.record_ids) if mention.status == AMBIGUOUS else None
    if close:
        mention = Mention(FOUND, [close], mention.text, mention.gender, total=1, score=mention.score)
    if mention.status == AMBIGUOUS:
        fitting = [i for i in mention.record_ids if kb.linker.types.get(i) in types_for(question)]
        if question == DESCRIBE or mention.more or len(fitting) != 1:
            return ask_which(kb, mention, turn)
        mention = Mention(FOUND, fitting, mention.text, mention.gender)  # the one the question is about
    turn.record_id, turn.gender = mention.record_id, said_gender(mention, turn.gender)
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
        wanted = wanted or turn.previous
    types = {kb.linker.types.get(i) for i in said.mention.record_ids}
    fits = types & set(types_for(wanted)) or (
        said.mode == AGAIN and about_certification_only(wanted) and METIER in types)  # that job's certification
    return wanted if wanted and fits else DESCRIBE


def _names_another(kb: KnowledgeBase, turn: Turn) -> bool:
    """A new question that names a record of its own, not one of the options (« combien gagne un plombier ? »
    after a list of jobs: its « un » is no ordinal)."""
    if not is_question(turn.intent):
        return False
    mention = find_mention(kb, turn.text, turn.entities, types_for(turn.intent))
    return mention.status == FOUND and mention.record_id not in turn.pending

