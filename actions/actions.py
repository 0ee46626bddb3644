"""The Rasa custom actions: understand the turn, ask the knowledge base, hand back an answer."""

from __future__ import annotations

import logging
import re
from typing import Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge.normalize import fold

from .compose import Answer
from .config import knowledge_base, settings
from .explore import folded
from .gaps import gap_asked
from .guide import EXPLORE, FALLBACK, explore_turn, goes_on, with_resume
from .record_types import INTERET, type_of_entity
from .resolve import FOUND, alone, find_mention, parts_of_one_name
from .routing import DESCRIBE, is_question, types_for
from .choices import chooses, name_alone, narrow_subject, settle_choice
from .turn import (COMPARE, Reply, answer_without_record, go_on, pick_record, route_and_compose, side_by_side, subject_fact,
                   understand)

log = logging.getLogger(__name__)

RESCUE_CONFIDENCE = 0.25  # a runner-up intent this sure, with a named record, is answered after all
RESCUE_WITH_ENTITY = 0.15  # … or this sure when the NLU also extracted the mention
RESCUE_FOLLOW_UP = 0.35  # a follow-up without a mention, about the previous subject
WEAK_EXPLORE = 0.6  # below this, « explore » said while a subject is under way is taken for a follow-up about it
# a message correcting the previous turn (then no exploration: the question behind it, about the subject)
CORRECTING = re.compile(r"mal exprim|je voulais (dire|savoir|parler)|c est .* que je voulais|je parlais|je pensais|"
                        r"^non\b|pas ce que je (voulais|demandais)|je me suis trompe")
# words that make a message a comparison (the « ou » of « X ou Y ? », never the « où » of « c'est où ? »)
COMPARING = re.compile(r"diff[eé]ren|compar|\bvs\b|versus|\bentre\b|\bou\b|lequel|laquelle|lesquel|mieux|pareil|"
                       r"(le|la|les) m[eê]mes?\b|m[eê]me (chose|m[eé]tier|combat)|h[eé]site|distingu|change quoi|"
                       r"c[oô]te [aà] c[oô]te|les deux|\bles\b.*\bcompare|\bchange\b|\bdiff\b|[eé]quivalen|avantages?\b|"
                       r"inconv[eé]nients?|vaut autant|[eé]cart\b|\s/\s|\b(plus|moins) (\S+ ){0,3}qu(e|')|autant que|"
                       r"\b(le|la|les) (plus|moins)\b|ressembl|s[eé]pare|points? communs?|similaire|se valent|"
                       r"diff[eè]re|\bchacune?\b|par rapport (a|à|au|aux)\b|\bface (a|à|au|aux)\b")


def say(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    for message in answer.messages():
        dispatcher.utter_message(**message)


def names_alone(tracker: Tracker, found_only: bool = False) -> bool:
    """Whether the latest message is only a name of the base (one record, or several when not `found_only`),
    whatever the NLU made of it: ActionAnswer presents it (or asks which one)."""
    message = tracker.latest_message or {}
    said = alone(knowledge_base(), message.get("text") or "", message.get("entities") or [])
    return said is not None and (said.mention.status == FOUND or not found_only)


def named_kinds(tracker: Tracker) -> list[str]:
    """The record type of each name the NLU found in the latest message (its filter drops the words that are no
    names there: « salarié » in « on est à son compte ou salarié ? »); an interest is no record to compare."""
    kinds = [type_of_entity(e) for e in (tracker.latest_message or {}).get("entities") or []]
    return [kind for kind in kinds if kind and kind != INTERET]


def one_record_named(tracker: Tracker) -> bool:
    """Whether the names in the latest message are one record's long name cut in parts (« DEJEPS animation
    socio-éducative ou culturelle mention …, territoires et réseaux »), not records to compare (« électricien et
    électrotechnicien » share a fiche but are two names)."""
    message = tracker.latest_message or {}
    return parts_of_one_name(knowledge_base(), message.get("text") or "", message.get("entities") or [], []) is not None


def compares(tracker: Tracker, one_kind: bool = False) -> bool:
    """Whether the latest message names two records or more (with `one_kind`, of one record type) and reads as a
    comparison, whatever the NLU made of it (« c'est la même chose traffic manager et media planner ? »)."""
    if not COMPARING.search(((tracker.latest_message or {}).get("text") or "").lower()):
        return False
    kinds = named_kinds(tracker)
    return len(kinds) >= 2 and (not one_kind or len(set(kinds)) == 1) and not one_record_named(tracker)


def asked_after_all(tracker: Tracker, options: bool = True) -> Optional[str]:
    """The question a message the NLU took for something else (off topic, unsure, thanks) really asks, None if
    none: the exploration's next step (« c'est tout », « peu importe »); with `options`, a choice among the options
    offered (« de ligne » after « pilote », « pas celui de l'ISEFAC »); a comparison of the records named; with
    `options`, a name alone (« plombier ? »); a precise
    fact of the record named or of the subject under way (« leur numéro de siret ? », « ça coûte combien ? »)."""
    kb = knowledge_base()
    if goes_on(kb, tracker):
        return EXPLORE
    if options and chooses(kb, tracker):
        return tracker.get_slot("pending_intent") or DESCRIBE
    if compares(tracker):
        return COMPARE
    if options and names_alone(tracker):
        return DESCRIBE
    return subject_fact(kb, tracker)


class ActionAnswer(Action):
    """Answers every knowledge question (and choices among proposed options)."""

    def name(self) -> str:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""
        text = (tracker.latest_message or {}).get("text") or ""
        if intent == COMPARE and (not COMPARING.search(text.lower()) or one_record_named(tracker)):
            intent = self._next_question(tracker, intent)  # « et c'est où ? » is no comparison: its « ou » is « où »
        elif (is_question(intent) or intent == EXPLORE) and intent != COMPARE and compares(tracker, one_kind=True):
            intent = COMPARE  # « vétérinaire ou auxiliaire vétérinaire, quelle différence dans les études ? »
        elif intent == EXPLORE and tracker.get_slot("subject") and (self._confidence(tracker) < WEAK_EXPLORE
                                                                    or CORRECTING.search(folded(text))):
            intent = self._next_question(tracker, intent)  # « je me suis mal exprimée : c'est les formations »
        # « ok, et c'est situé où ? » asks a fact; an exploration the NLU is sure of, with no subject under way,
        # stays one (« notre fille a son bac général mais rien sur Parcoursup, quelles solutions ? »)
        sure_explore = (intent == EXPLORE and self._confidence(tracker) >= WEAK_EXPLORE
                        and not tracker.get_slot("subject"))
        if not is_question(intent) and not sure_explore and not tracker.get_slot("pending_options"):
            intent = subject_fact(knowledge_base(), tracker) or intent
        return self.answer(dispatcher, tracker, intent)

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: str,
               rescued: bool = False) -> list[EventType]:
        """Answer the latest message as the question `intent` (`rescued`: the NLU was unsure)."""
        kb = knowledge_base()
        turn = understand(tracker, intent, rescued)
        guided = explore_turn(kb, turn)
        reply: Reply = (guided or go_on(kb, turn) or narrow_subject(kb, turn) or name_alone(kb, turn)
                        or settle_choice(kb, turn)
                        or answer_without_record(kb, turn) or pick_record(kb, turn) or side_by_side(kb, turn)
                        or route_and_compose(kb, turn))
        replies, answered = [reply], [turn.record_id, *turn.also] if turn.also else []
        for other in turn.also:  # « les deux »: the same question about each option, in order
            turn.record_id = other
            replies.append(route_and_compose(kb, turn))
        events = list(turn.events) + ([SlotSet("others", answered or None)] if answered or turn.intent != COMPARE
                                      else [])
        for each in replies:
            if is_question(turn.intent) and not each.answer.question:
                each.answer.question = turn.intent
            say(dispatcher, each.answer if guided else with_resume(each.answer, tracker))
            events += each.events
        return events


    @staticmethod
    def _confidence(tracker: Tracker) -> float:
        return float(((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0)

    @staticmethod
    def _next_question(tracker: Tracker, intent: str) -> str:
        """The NLU's likeliest question intent after `intent` (`intent` itself if there is none)."""
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        return next((r["name"] for r in ranking if r.get("name") != intent and is_question(r.get("name") or "")),
                    intent)


class ActionFallback(Action):
    """Said when the NLU is unsure: ask to rephrase; after two misses in a row, offer a counsellor."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        asked = asked_after_all(tracker)
        if asked:
            return ActionAnswer().answer(dispatcher, tracker, asked)
        rescued = self._rescue(tracker)
        if rescued:
            return ActionAnswer().answer(dispatcher, tracker, rescued, rescued=not tracker.get_slot("subject"))
        failures = int(tracker.get_slot("failures") or 0) + 1
        if failures >= 2:
            say(dispatcher, Answer(
                text="Je n'arrive pas à comprendre ta demande, désolé. Tu peux en parler à "
                f"{settings().counsellor}. Tu peux aussi me demander « que sais-tu faire ? ».", kind="fallback"))
            return [SlotSet("failures", 0.0)]
        say(dispatcher, Answer(
            text="Je n'ai pas bien compris. Peux-tu reformuler ? Par exemple : « quelles études pour devenir "
            "directeur de communication ? » ou « qui délivre le titre RNCP35746 ? ».", kind="fallback"))
        return [SlotSet("failures", float(failures))]


    @staticmethod
    def _rescue(tracker: Tracker) -> Optional[str]:
        """A question intent close behind the fallback, when the message names a record (or an unknown one); an
        exploration close behind it, when the message names none (interests aside).

        « que fait une infirmière ? » may fall under the NLU threshold; its runner-up intent and the
        named job are enough to answer it (here: honestly, that the job is not in the base)."""
        message = tracker.latest_message or {}
        offered = bool(tracker.get_slot("pending_options"))  # a choice only when options wait for one
        ranking = [r for r in message.get("intent_ranking") or []
                   if r.get("name") != FALLBACK and (offered or r.get("name") != "choose_option")]
        if CORRECTING.search(folded(message.get("text") or "")):  # « non attends, c'est la date que je voulais »:
            ranking = [r for r in ranking if is_question(r.get("name") or "")]  # its « non » is no answer
        named = any(type_of_entity(e) for e in message.get("entities") or [])
        if (ranking and ranking[0].get("name") == EXPLORE and not named_kinds(tracker)
                and float(ranking[0].get("confidence") or 0) >= RESCUE_CONFIDENCE):
            return EXPLORE  # « comment savoir quel métier faire ? », the NLU torn between exploring and another
        if not ranking or not is_question(ranking[0].get("name") or ""):
            return None
        if float(ranking[0].get("confidence") or 0) < (RESCUE_WITH_ENTITY if named else RESCUE_CONFIDENCE):
            return None
        intent = ranking[0]["name"]
        has_context = bool(tracker.get_slot("subject"))
        mention = find_mention(knowledge_base(), message.get("text") or "", message.get("entities") or [],
                               types_for(intent), residual_unknown=not has_context)
        if mention.status != "none":
            return intent
        # a follow-up (« et quel est le niveau d'accès ? ») about the subject of the previous turns
        return intent if has_context and float(ranking[0].get("confidence") or 0) >= RESCUE_FOLLOW_UP else None


class ActionOutOfScope(Action):
    """Said for a message the NLU finds off topic, unless it is only a name (« plombier ? »): that fiche."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        asked = asked_after_all(tracker)
        if asked:
            return ActionAnswer().answer(dispatcher, tracker, asked)
        lacking = gap_asked((tracker.latest_message or {}).get("text") or "", None)
        if lacking:  # « la com, ça recrute en ce moment ? »: an orientation question the base cannot answer
            say(dispatcher, Answer(text=f"Ma base ne contient pas {lacking} : je préfère ne rien inventer. Pour un "
                                        f"conseil personnalisé, tu peux contacter {settings().counsellor}.",
                                   kind="missing"))
            return []
        dispatcher.utter_message(text="Je ne peux t'aider que sur l'orientation : métiers, études et certifications. "
                                      "Pose-moi une question sur ces sujets !")
        return []


class ActionSmallTalk(Action):
    """« Salut », « merci » : the usual reply, unless the same message also asks a fact of the subject under way
    (« super merci, et leur site ? »): that fact."""

    def name(self) -> str:
        return "action_small_talk"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        asked = asked_after_all(tracker, options=False)
        if asked:
            return ActionAnswer().answer(dispatcher, tracker, asked)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name") or "thank"
        dispatcher.utter_message(response=f"utter_{intent}")
        return []


class ActionCounsellor(Action):
    def name(self) -> str:
        return "action_counsellor"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if names_alone(tracker, found_only=True) and "conseil" not in fold((tracker.latest_message or {}).get("text") or ""):
            return ActionAnswer().answer(dispatcher, tracker, DESCRIBE)  # a job typed alone, not a request
        say(dispatcher, Answer(text=f"Pour parler à une personne, contacte {settings().counsellor}.",
                                             kind="counsellor"))
        return [SlotSet("failures", 0.0)]
