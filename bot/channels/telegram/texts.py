"""What the Telegram channel says on its own (HTML: these constants are markup, not user data)."""

EXAMPLES = (
    "quelles études pour devenir directrice de communication ?",
    "que fait un chef de publicité ?",
    "quel est le taux d'insertion du titre chargé de communication cross-média ?",
)

WELCOME = (
    "Bonjour ! Je suis l'<b>assistant d'orientation</b> : je t'aide à choisir tes études et ton métier, "
    "à partir de fiches officielles (Onisep, France Compétences), et je cite toujours ma source.\n\n"
    "Pose-moi ta question avec tes mots, par exemple :\n"
    + "\n".join(f"• <i>{e}</i>" for e in EXAMPLES)
    + "\n\n/aide pour en savoir plus, /recommencer pour repartir de zéro."
)

HELP = (
    "<b>Ce que je sais faire</b>\n"
    "• te dire quelles études mènent à un métier ;\n"
    "• t'expliquer en quoi consiste un métier ;\n"
    "• te renseigner sur un titre ou diplôme (qui le délivre, niveau, taux d'insertion).\n\n"
    "Tu peux enchaîner : « et quelles études ? », « qui la délivre ? ». Quand plusieurs fiches "
    "correspondent, je te propose des boutons.\n\n"
    "<b>Commandes</b>\n"
    "/start : présentation et exemples\n"
    "/aide : ce message\n"
    "/explorer : trouver des métiers à partir de ce que tu aimes\n"
    "/recommencer : j'oublie notre conversation et on repart de zéro"
)

RESTARTED = "C'est noté, on repart de zéro ! Pose-moi ta question."
RASA_DOWN = "Je n'arrive pas à joindre l'assistant pour le moment, réessaie dans un instant."
TOO_FAST = "Tu m'envoies trop de messages à la fois : attends quelques secondes, puis repose ta question."
ERROR = "Oups, quelque chose s'est mal passé de mon côté. Réessaie dans un instant."
TEXT_ONLY = "Je ne lis que le texte pour l'instant : écris-moi ta question avec des mots."
UNKNOWN_COMMAND = "Je ne connais pas cette commande. Tape /aide pour voir ce que je sais faire."
NO_REPLY = "Je n'ai pas de réponse à ça. Reformule ta question, ou tape /aide."
EXPIRED_ALERT = "Ce choix a expiré."
EXPIRED = "Ce choix n'est plus disponible : repose-moi ta question, s'il te plaît."

COMMANDS = (
    ("start", "Présentation et exemples de questions"),
    ("aide", "Ce que je sais faire"),
    ("explorer", "Trouver des métiers à partir de ce que tu aimes"),
    ("recommencer", "Oublier la conversation et repartir de zéro"),
)
