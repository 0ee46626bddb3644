"""Web chat for school sites: a Rasa input channel (`channel.WebChatInput`) and its widget (`static/`)."""
