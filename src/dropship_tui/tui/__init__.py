"""The full-screen Textual app: ``app`` wires a store to the screens, ``navigation`` decides
which screen comes next (the screens post ``messages``), ``workers`` runs every store call
off the UI thread under the store's lock, ``keymap`` checks and reads the user's keys,
``printing`` writes the PDFs; ``screens/`` and ``modals/`` hold one screen each,
``widgets/`` the reusable parts and ``styles/`` the CSS."""
