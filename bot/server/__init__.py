"""The runtime: launcher, Rasa with its patches, action server, lock store, and a private stack for tools."""
