"""The Word documents: `namndplan` (the nämndplan draft) and the shared helpers it uses."""
