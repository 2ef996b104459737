"""The user config file: defaults, a clear refusal naming the bad key, paper size."""

from __future__ import annotations

import pytest

from dropship_tui.config import (
    DEFAULT_BILL_TO,
    Config,
    config_path,
    load_config,
    locale_country,
    resolve_paper_size,
)
from dropship_tui.domain.errors import InvalidInputError


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    monkeypatch.setenv("DROPSHIP_TUI_CONFIG", str(path))
    return path


def test_missing_file_means_defaults(cfg):
    assert not cfg.exists()
    config = load_config()
    assert config == Config()
    assert config.paper_size is None
    assert config.theme == "textual-dark"
    assert config.low_bandwidth is False
    assert config.default_store is None and config.print_command is None
    assert config.bill_to_name == DEFAULT_BILL_TO == "Retailer"
    assert dict(config.keymap) == {}


def test_env_var_names_the_file(cfg):
    assert config_path() == cfg


def test_default_path_is_the_user_config_dir(monkeypatch):
    monkeypatch.delenv("DROPSHIP_TUI_CONFIG", raising=False)
    path = config_path()
    assert path.name == "config.toml" and "dropship-tui" in str(path)


def test_every_setting_read(cfg):
    cfg.write_text(
        'paper_size = "A4"\ntheme = "nord"\nlow_bandwidth = true\ndefault_store = "~/o.db"\n'
        'print_command = "lp -d dock"\nbill_to_name = "Acme Retail Inc."\n'
        '[keymap]\nacknowledge = "a"\n',
        encoding="utf-8",
    )
    config = load_config()
    assert config.paper_size == "a4"
    assert config.theme == "nord"
    assert config.low_bandwidth is True
    assert config.default_store == "~/o.db"
    assert config.print_command == "lp -d dock"
    assert config.bill_to_name == "Acme Retail Inc."
    assert dict(config.keymap) == {"acknowledge": "a"}
    with pytest.raises(TypeError):
        config.keymap["x"] = "y"  # frozen all the way down


def test_auto_paper_means_from_the_locale(cfg):
    cfg.write_text('paper_size = "auto"\n', encoding="utf-8")
    assert load_config().paper_size is None


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ('paper_size = "tabloid"\n', "paper_size"),
        ("paper_size = 4\n", "paper_size"),
        ('low_bandwidth = "yes"\n', "low_bandwidth"),
        ("theme = 3\n", "theme"),
        ('bill_to_name = "  "\n', "bill_to_name"),
        ("[keymap]\nacknowledge = 1\n", "keymap"),
        ('keymap = "a"\n', "keymap"),
        ('paper-size = "a4"\n', "paper-size"),
    ],
)
def test_a_bad_value_is_refused_naming_the_key(cfg, content, key):
    cfg.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_config()
    assert key in str(err.value) and str(cfg) in str(err.value)


def test_not_toml_is_refused_naming_the_file(cfg):
    cfg.write_text("paper_size = \n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="not valid TOML"):
        load_config()


@pytest.mark.parametrize(
    ("env", "paper"),
    [
        ({"LANG": "en_US.UTF-8"}, "letter"),
        ({"LANG": "fr_CA.UTF-8"}, "letter"),
        ({"LANG": "en_GB.UTF-8"}, "a4"),
        ({"LANG": "de_DE.UTF-8"}, "a4"),
        ({"LANG": "en_US.UTF-8", "LC_PAPER": "de_DE.UTF-8"}, "a4"),
        ({"LC_PAPER": "en_US.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "a4"),
        ({"LANG": "C.UTF-8"}, "a4"),
        ({}, "a4"),
    ],
)
def test_paper_from_the_locale(env, paper):
    assert resolve_paper_size(Config(), env) == paper


def test_config_wins_over_the_locale():
    assert resolve_paper_size(Config(paper_size="a4"), {"LANG": "en_US.UTF-8"}) == "a4"
    assert resolve_paper_size(Config(paper_size="letter"), {"LANG": "de_DE.UTF-8"}) == "letter"


def test_locale_country():
    assert locale_country({"LANG": "ja_JP.UTF-8"}) == "JP"
    assert locale_country({"LANG": "sr_RS@latin"}) == "RS"
    assert locale_country({"LANG": "POSIX"}) is None
