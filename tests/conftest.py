"""Shared pytest helpers: where the repo, the notebooks and the read-only ../shared material live."""
import configparser, os
from pathlib import Path
import pytest

REPO = Path(__file__).resolve().parents[1]
NBS = REPO/'nbs'

def settings() -> configparser.SectionProxy:
    cfg = configparser.ConfigParser(delimiters=['='])
    cfg.read(REPO/'settings.ini', encoding='utf-8')
    return cfg['DEFAULT']

def notebooks() -> list:
    return sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith('_'))

def shared_dir():
    "The read-only `../shared` folder (or `$GROK_SHARED`), or None when this checkout has none."
    p = Path(os.environ.get('GROK_SHARED', REPO.parent/'shared'))
    return p if p.is_dir() else None

@pytest.fixture
def shared():
    p = shared_dir()
    if p is None: pytest.skip('../shared is absent (a fresh clone): real-corpus checks skipped')
    return p
