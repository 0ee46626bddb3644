"""The running assistant: channels (channels/), runtime (server/) and custom Rasa components (components/)."""
