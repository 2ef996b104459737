"""Issue 15: users' SSH keys from the CLI: added with the user or later, listed by
fingerprint, removed; a bad key is refused naming the option and nothing is written."""

from __future__ import annotations

import json
import sqlite3

import pytest

from dropship_tui import cli
from serve_support import SSH_KEYGEN, keygen, make_store

pytestmark = pytest.mark.skipif(SSH_KEYGEN is None, reason="needs ssh-keygen (apt-get install openssh-client)")


def users(db) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM api_users ORDER BY name")]


def test_keys_add_list_remove_and_refusals(tmp_path, capsys):
    db = tmp_path / "s.db"
    make_store(db)
    k1, k2 = keygen(tmp_path / "k1"), keygen(tmp_path / "k2")
    assert cli.main(["users", "add", "ann", "--vendor", "MYSTIC", "--ssh-key", f"{k1}.pub", "--db", str(db)]) == 0
    capsys.readouterr()
    # A private key, a missing file and a key of someone else: refused, no user made.
    for bad, words in ((str(k2), "private key"), (str(tmp_path / "nope.pub"), "cannot read"), (f"{k1}.pub", "already registered")):
        assert cli.main(["users", "add", "bob", "--vendor", "MYSTIC", "--ssh-key", bad, "--db", str(db)]) == 1
        err = capsys.readouterr().err
        assert words in err and len(err.strip().splitlines()) == 1
    assert users(db) == ["ann"]
    assert cli.main(["users", "keys", "add", "ann", f"{k2}.pub", "--db", str(db)]) == 0
    capsys.readouterr()
    assert cli.main(["users", "keys", "list", "ann", "--db", str(db), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 2 and all(k["fingerprint"].startswith("SHA256:") for k in listed)
    assert cli.main(["users", "keys", "remove", "ann", listed[0]["fingerprint"], "--db", str(db)]) == 0
    assert cli.main(["users", "keys", "remove", "ann", listed[0]["fingerprint"], "--db", str(db)]) == 1
    assert cli.main(["users", "keys", "add", "nobody", f"{k2}.pub", "--db", str(db)]) == 1
    capsys.readouterr()
    assert cli.main(["users", "keys", "list", "ann", "--db", str(db), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
    assert cli.main(["serve", "--db", str(db), "--ssh-port", "0"]) == 1
    assert "--ssh-port must be from 1 to 65535" in capsys.readouterr().err


def _public_key_file(path, algorithm: str, **options) -> str:
    import asyncssh

    key = asyncssh.generate_private_key(algorithm, comment="weak", **options)
    path.write_bytes(key.export_public_key("openssh"))
    return str(path)


def test_dsa_and_short_rsa_keys_are_refused_and_a_2048_bit_rsa_key_is_taken(tmp_path, capsys):
    db = tmp_path / "s.db"
    make_store(db)
    dsa = _public_key_file(tmp_path / "dsa.pub", "ssh-dss")
    rsa_1024 = _public_key_file(tmp_path / "rsa1024.pub", "ssh-rsa", key_size=1024)
    rsa_2048 = _public_key_file(tmp_path / "rsa2048.pub", "ssh-rsa", key_size=2048)
    for bad, words in ((dsa, "DSA keys are too weak"), (rsa_1024, "has 1024 bits, under the 2048 required")):
        assert cli.main(["users", "add", "bob", "--vendor", "MYSTIC", "--ssh-key", bad, "--db", str(db)]) == 1
        err = capsys.readouterr().err
        assert words in err and "--ssh-key" in err and len(err.strip().splitlines()) == 1
    assert users(db) == []
    assert cli.main(["users", "add", "bob", "--vendor", "MYSTIC", "--ssh-key", rsa_2048, "--db", str(db)]) == 0
    capsys.readouterr()
    assert cli.main(["users", "keys", "add", "bob", dsa, "--db", str(db)]) == 1
    assert "DSA keys are too weak" in capsys.readouterr().err


def test_served_users_folder_names_never_meet_nor_leave_the_folder():
    from dropship_tui.server.serving.child import user_folder_name

    assert user_folder_name("ann") == "ann"
    odd = ["..", ".hidden", "u-ann", "Ωμέγα 北京", "[bold]Ann[/]", "a/../../b", "-x"]
    names = [user_folder_name(name) for name in odd]
    assert all(len(n) == 2 + 64 and n.startswith("u-") for n in names[:-1])
    assert len(set(names)) == len(odd)
    assert user_folder_name("u-" + names[0][2:]) != names[0]  # a name that looks hashed is hashed again
    assert all("/" not in n and not n.startswith(".") for n in names)
