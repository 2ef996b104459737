"""One Textual screen per module; ``order_screen`` holds the bases of the order screens and
``pack_by_scan`` a part of step 2."""
