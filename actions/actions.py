"""The Rasa custom actions: understand the turn, ask the knowledge base, hand back an answer."""

from __future__ import annotations

import logging
from typing import Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge.kb import KnowledgeBase
from knowledge.model import Certification, Metier

from . import secteur
from .compose import Answer, choice_buttons, citation, join_fr, title_of
from .config import knowledge_base, settings
from .resolve import AMBIGUOUS, ENTITY_TYPES, FOUND, UNKNOWN, Mention, choose, find_mention
from .routing import DESCRIBE, about_certification_only, handler_for, is_question, types_for

log = logging.getLogger(__name__)

RESCUE_CONFIDENCE = 0.25  # a runner-up intent this sure, with a named record, is answered after all
RESCUE_WITH_ENTITY = 0.15  # … or this sure when the NLU also extracted the mention
RESCUE_FOLLOW_UP = 0.35  # a follow-up without a mention, about the previous subject
SLOT_FOR_TYPE = {"metier": "metier_id", "certification": "certification_id", "secteur": "secteur_id"}
class ActionAnswer(Action):
    """Answers every knowledge question (and choices among proposed options)."""

    def name(self) -> str:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        return self.answer(dispatcher, tracker, ((tracker.latest_message or {}).get("intent") or {}).get("name") or "")

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: str,
               rescued: bool = False) -> list[EventType]:
        """Answer the latest message as the question `intent` (`rescued`: the NLU was unsure)."""
        kb = knowledge_base()
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        entities = message.get("entities") or []
        events: list[EventType] = [SlotSet("failures", 0.0)]
        pending = tracker.get_slot("pending_options") or []
        pending_intent = tracker.get_slot("pending_intent") or ""

        record_id: Optional[str] = None
        gender = tracker.get_slot("gender") or ""
        if pending:
            picked = choose(kb, text, pending, entities) if intent == "choose_option" or len(text.split()) <= 6 else None
            if picked:
                record_id, intent = picked, (pending_intent if intent == "choose_option" or not is_question(intent)
                                             else intent)
            events += [SlotSet("pending_options", None), SlotSet("pending_intent", None)]
            if intent == "choose_option" and not picked:
                self._say(dispatcher, Answer(text="Je n'ai pas compris ton choix : clique sur une des propositions, "
                                                  "ou repose ta question.", kind="clarify"))
                return events
        if intent == "choose_option" and not record_id:
            choice = next((e["value"] for e in entities if e.get("entity") == "choice"), None)
            record_id = choice if choice and kb.get(choice) else None
            intent = pending_intent or (DESCRIBE if record_id else intent)
        if intent in ("affirm", "deny"):
            if intent == "affirm" and len(pending) == 1:
                record_id, intent = pending[0], pending_intent or DESCRIBE
            else:
                self._say(dispatcher, Answer(text="D'accord ! Pose-moi ta question quand tu veux.", kind="clarify"))
                return events
        if intent == "ask_bot_knowledge":
            self._say(dispatcher, secteur.knowledge_overview(kb))
            return events

        types = types_for(intent)
        if not types:
            self._say(dispatcher, Answer(text="Je n'ai pas compris ta question. Peux-tu la reformuler ?", kind="clarify"))
            return events

        if record_id is None:
            no_context = not tracker.get_slot("subject")
            mention = find_mention(kb, text, entities, types, residual_unknown=rescued or no_context)
            if mention.status == FOUND:
                record_id = mention.record_id
                gender = mention.gender or gender
            elif mention.status == AMBIGUOUS:
                return events + self._ask_which(dispatcher, kb, mention, intent, gender)
            elif mention.status == UNKNOWN:
                return events + self._unknown(dispatcher, kb, mention, intent)
            else:
                record_id, clarify = self._from_context(kb, tracker, types)
                if record_id is None:
                    if clarify:
                        return events + self._ask_which(dispatcher, kb, clarify, intent, gender)
                    self._say(dispatcher, self._what_subject(kb, types[0]))
                    return events

        record = kb.get(record_id)
        if record is None:
            self._say(dispatcher, Answer(text="Je ne retrouve plus cette fiche dans ma base.", kind="missing"))
            return events
        if about_certification_only(intent) and isinstance(record, Metier):
            certs = kb.certifications_for_metier(record.id)
            if len(certs) != 1:
                return events + self._certifications_of_job(dispatcher, kb, record, certs, intent, gender)
            record = kb.get(certs[0])
        handler = handler_for(record, intent)
        if handler is None:
            self._say(dispatcher, Answer(text=f"Je n'ai pas d'information de ce type sur « {record.label} ».",
                                         record_id=record.id, source=citation(record), kind="missing"))
            return events
        self._say(dispatcher, handler(kb, record, gender))
        events += [SlotSet("subject", record.id), SlotSet("gender", gender or None)]
        if record.type in SLOT_FOR_TYPE:
            events.append(SlotSet(SLOT_FOR_TYPE[record.type], record.id))
        return events

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _say(dispatcher: CollectingDispatcher, answer: Answer) -> None:
        dispatcher.utter_message(**answer.message())

    def _from_context(self, kb: KnowledgeBase, tracker: Tracker,
                      types: list[str]) -> tuple[Optional[str], Optional[Mention]]:
        """The subject of earlier turns this question can be about: the latest subject if it fits, else
        that job's certification(s), else the last record of a fitting type, else the only sector."""
        subject = tracker.get_slot("subject")
        previous = kb.get(subject or "")
        if previous is not None and previous.type in types:
            return previous.id, None
        if "certification" in types and isinstance(previous, Metier):
            certs = kb.certifications_for_metier(previous.id)
            if len(certs) == 1:
                return certs[0], None
            if certs:
                return None, Mention(AMBIGUOUS, certs)
        for wanted in types:
            slot = SLOT_FOR_TYPE.get(wanted)
            if slot and tracker.get_slot(slot):
                return tracker.get_slot(slot), None
        if "secteur" in types:
            sectors = kb.ids("secteur")
            if len(sectors) == 1:
                return sectors[0], None
        return None, None

    def _ask_which(self, dispatcher, kb: KnowledgeBase, mention: Mention, intent: str, gender: str) -> list[EventType]:
        records = [r for r in (kb.get(i) for i in mention.record_ids) if r is not None]
        said = f"« {mention.text} » peut" if mention.text else "Ta question peut"
        self._say(dispatcher, Answer(
            text=f"{said} correspondre à plusieurs fiches. Laquelle veux-tu ?",
            buttons=choice_buttons(records, gender), kind="ambiguous"))
        return [SlotSet("pending_options", [r.id for r in records]), SlotSet("pending_intent", intent)]

    def _certifications_of_job(self, dispatcher, kb, job: Metier, certs: list[str], intent: str, gender: str):
        title = title_of(job, gender)
        if not certs:
            self._say(dispatcher, Answer(
                text=f"Cette question porte sur une certification, et je n'en connais aucune liée au métier de {title}.",
                record_id=job.id, kind="missing"))
            return [SlotSet("metier_id", job.id), SlotSet("subject", job.id)]
        records = [kb.get(c) for c in certs]
        self._say(dispatcher, Answer(
            text=f"Ces informations concernent une certification. Pour le métier de {title}, je connais : "
                 + join_fr([f"« {c.intitule} »" for c in records if isinstance(c, Certification)])
                 + ". Laquelle t'intéresse ?",
            buttons=choice_buttons(records), kind="ambiguous"))
        return [SlotSet("pending_options", certs), SlotSet("pending_intent", intent),
                SlotSet("metier_id", job.id), SlotSet("subject", job.id)]

    def _unknown(self, dispatcher, kb: KnowledgeBase, mention: Mention, intent: str) -> list[EventType]:
        """Say the base does not hold it; suggest close records (a press answers the question about it)."""
        suggestions = [r for r in (kb.get(i) for i in mention.suggestions) if r is not None][:3]
        text = f"Je ne connais pas « {mention.text} » : ce n'est pas dans ma base, et je préfère ne rien inventer."
        if suggestions:
            text += " Tu pensais peut-être à l'une de ces fiches ?"
        text += f"\nPour un conseil personnalisé, tu peux contacter {settings().counsellor}."
        self._say(dispatcher, Answer(text=text, buttons=choice_buttons(suggestions), kind="unknown"))
        if not suggestions:
            return []
        return [SlotSet("pending_options", [r.id for r in suggestions]), SlotSet("pending_intent", intent)]

    @staticmethod
    def _what_subject(kb: KnowledgeBase, record_type: str) -> Answer:
        examples = {"metier": "un métier (par exemple « " + (kb.get(kb.ids("metier")[0]).label if kb.ids("metier") else "") + " »)",
                    "certification": "une certification (son nom ou son numéro RNCP)",
                    "secteur": "un secteur", "interet": "un centre d'intérêt"}[record_type]
        return Answer(text=f"De quoi parles-tu ? Précise {examples}.", kind="clarify")


class ActionFallback(Action):
    """Said when the NLU is unsure: ask to rephrase; after two misses in a row, offer a counsellor."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        rescued = self._rescue(tracker)
        if rescued:
            return ActionAnswer().answer(dispatcher, tracker, rescued, rescued=not tracker.get_slot("subject"))
        failures = int(tracker.get_slot("failures") or 0) + 1
        if failures >= 2:
            ActionAnswer._say(dispatcher, Answer(
                text="Je n'arrive pas à comprendre ta demande, désolé. Tu peux en parler à "
                f"{settings().counsellor}. Tu peux aussi me demander « que sais-tu faire ? ».", kind="fallback"))
            return [SlotSet("failures", 0.0)]
        ActionAnswer._say(dispatcher, Answer(
            text="Je n'ai pas bien compris. Peux-tu reformuler ? Par exemple : « quelles études pour devenir "
            "directeur de communication ? » ou « qui délivre le titre RNCP35746 ? ».", kind="fallback"))
        return [SlotSet("failures", float(failures))]


    @staticmethod
    def _rescue(tracker: Tracker) -> Optional[str]:
        """A question intent close behind the fallback, when the message names a record (or an unknown one).

        « que fait une infirmière ? » may fall under the NLU threshold; its runner-up intent and the
        named job are enough to answer it (here: honestly, that the job is not in the base)."""
        message = tracker.latest_message or {}
        ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
        if not ranking or not is_question(ranking[0].get("name") or ""):
            return None
        named = any(e.get("entity") in ENTITY_TYPES for e in message.get("entities") or [])
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


class ActionCounsellor(Action):
    def name(self) -> str:
        return "action_counsellor"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        ActionAnswer._say(dispatcher, Answer(text=f"Pour parler à une personne, contacte {settings().counsellor}.",
                                             kind="counsellor"))
        return [SlotSet("failures", 0.0)]
