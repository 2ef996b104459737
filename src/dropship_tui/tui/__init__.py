"""The full-screen Textual app: ``app`` wires a store to the screens, ``navigation`` decides
which screen shows an order, ``screens/`` and ``modals/`` hold one screen each,
``widgets/`` the reusable parts and ``styles/`` the CSS."""
