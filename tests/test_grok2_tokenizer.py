"""Grok-2 tokenizer parity: `load_grok2_tokenizer` gives exactly tiktoken's ids for the same `tokenizer.tok.json`.

The file is the course's stand-in in Grok-2's format (data/sample/grok2_tokenizer, 4,096 ids). The real corpora of
../shared are checked when they exist, and Grok-2's own file when `$GROK2_TOKENIZER` names it (both skip otherwise).
"""
import json, os, random, sys
import pytest
from conftest import REPO, shared_dir

tiktoken = pytest.importorskip('tiktoken')
from grok_finetune.tokenizer import (GROK2_SPECIAL_TOKENS, grok2_stand_in_path, load_grok2_tokenizer, sample_texts,
                                     tiktoken_encoding, tiktoken_parity, train_grok2_style_bpe, write_tok_json)

STAND_IN = REPO/'data'/'sample'/'grok2_tokenizer'/'tokenizer.tok.json'

@pytest.fixture(scope='module')
def grok2():
    return load_grok2_tokenizer(STAND_IN)

@pytest.fixture(scope='module')
def reference():
    return tiktoken_encoding(STAND_IN)

EDGE = ['你好，世界', 'Hello world', 'def f(x):\n\treturn x**2', '😀👍🏽', '  \n\n   tabs\t\t', '\u200b\ufeff', '12345678',
        "don't I'll", "DON'T WE'VE THEY'RE", "it’s", '高血压 hypertension 2型糖尿病 Ⅱ期', 'Ελληνικά русский العربية हिन्दी 日本語 한국어',
        'naïve café e\u0301', '１２３ＡＢＣ，。！', 'a\u3000b\u00a0c\u2028d\u2029e\u0085f', '\x00\x07\x1b\x1c\x1f', '\r\n\r\n x',
        ' ' * 17 + 'x', '\n' * 23, '\t\t\t', '-' * 40, 'ab' * 50, '𝕏 𠀀 \U0010ffff', '١٢٣ ४५६ ⅷ', "'s's's", '', ' ',
        'x <|separator|> y', '<|eos|><|pad|>', '<|control1|><|control20|><|control21|>', '<|separator', '<<|eos|>>']

@pytest.mark.parametrize('text', EDGE, ids=range(len(EDGE)))
def test_edge_string(text, grok2, reference):
    "Special tokens matched (what vLLM and SGLang serve), special tokens as text, and the decode round trip."
    assert grok2.encode(text) == reference.encode(text, allowed_special='all')
    assert grok2(text, split_special_tokens=True)['input_ids'] == reference.encode_ordinary(text)
    assert grok2.decode(grok2.encode(text)) == text == reference.decode(reference.encode(text, allowed_special='all'))

def test_special_tokens(grok2, reference):
    for text, i in GROK2_SPECIAL_TOKENS.items():
        assert grok2.encode(text) == reference.encode(text, allowed_special='all') == [i]
        assert grok2.convert_ids_to_tokens(i) == text
    assert (grok2.eos_token_id, grok2.pad_token_id, grok2.sep_token_id) == (2, 0, 1)
    assert grok2.encode('Human: hi<|separator|>\n\nAssistant:').count(1) == 1
    assert grok2.decode(grok2.encode('a<|eos|>'), skip_special_tokens=True) == 'a'
    assert len(grok2) == reference.n_vocab == 4096

def test_chat_template(grok2, reference):
    chat = [{'role': 'system', 'content': ' 你是医生。\n'}, {'role': 'user', 'content': '头痛怎么办？ '},
            {'role': 'assistant', 'content': ' Rest and drink water. '}, {'role': 'user', 'content': 'And then?'}]
    text = grok2.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
    assert text == ('System: 你是医生。<|separator|>\n\nHuman: 头痛怎么办？<|separator|>\n\n'
                    'Assistant:  Rest and drink water. <|separator|>\n\nHuman: And then?<|separator|>\n\nAssistant:')
    assert grok2.apply_chat_template(chat[:2], tokenize=False) == \
        'System: 你是医生。<|separator|>\n\nHuman: 头痛怎么办？<|separator|>\n\n'
    ids = grok2.encode(text)
    assert ids == reference.encode(text, allowed_special='all') and ids.count(grok2.sep_token_id) == 4
    with pytest.raises(Exception, match='not tool'):
        grok2.apply_chat_template([{'role': 'tool', 'content': 'x'}], tokenize=False)

def test_every_code_point(grok2, reference):
    "Every code point first, doubled, between letters and digits: the regex classes (\\p{L}, \\p{N}, \\s) agree."
    texts = [f'{c} a{c}b  {c}{c}\n1{c}2' for c in map(chr, range(0x30000)) if not 0xD800 <= ord(c) <= 0xDFFF]
    backend = grok2.backend_tokenizer        # one call per text: faster than the threaded batch calls on 2 cores
    bad = [t for t in texts if backend.encode(t, add_special_tokens=False).ids != reference.encode_ordinary(t)]
    assert not bad, f'{len(bad)}/{len(texts)} differ, e.g. {bad[:5]}'

def test_random_strings(grok2, reference):
    "Random strings over the characters where the regex alternatives meet."
    rng = random.Random(0)
    alphabet = (list(" \t\n\r\x0b\x0c\u00a0\u3000\u2028\u0085'sStTlLdDmMvVrReE0123456789١٢३abc中文，。!?-_*()[]{}<>|\\/\"😀👍🏽"
                     "\u200b\ufeff\u0301é") + ["'ll", "'re", '<|separator|>', '<|eos|>', '<|pad|>', '  ', '\n\n'])
    texts = [''.join(rng.choice(alphabet) for _ in range(rng.randint(1, 24))) for _ in range(30000)]
    for special in (True, False):
        rep = tiktoken_parity(texts, grok2, STAND_IN, special=special)
        assert rep['parity'] == 1.0, rep['mismatches']
    assert [grok2.decode(i) for i in grok2(texts[:2000])['input_ids']] == texts[:2000]

def test_file_is_reproducible(tmp_path):
    "The shipped stand-in is what training on data/sample writes today, byte for byte."
    fresh = write_tok_json(train_grok2_style_bpe(sample_texts()), GROK2_SPECIAL_TOKENS, tmp_path/'tokenizer.tok.json')
    assert fresh.read_bytes() == STAND_IN.read_bytes(), \
        'data/sample/grok2_tokenizer/tokenizer.tok.json is stale: rewrite it with grok2_stand_in_path(rebuild=True)'
    assert grok2_stand_in_path() == STAND_IN
    spec = json.loads(STAND_IN.read_text(encoding='utf-8'))
    assert spec['word_split'] == 'V1' and spec['vocab_size'] == 4096
    assert all(set(e) == {'bytes', 'token'} for e in spec['regular_tokens'] + spec['special_tokens'])

def test_other_vocabulary(tmp_path):
    "A second vocabulary (trained on other text, ids after the specials at the end) converts just as exactly."
    texts = sample_texts()[::-1] + [json.dumps({'k': [1.5, 'v']}) * 3, 'for i in range(10):\n    print(i)\n'] * 5
    special = {'<|eos|>': 1999, '<|separator|>': 1998}
    ranks = train_grok2_style_bpe(texts, vocab_size=2000, special_tokens=special)
    assert max(ranks.values()) == 1997
    path = write_tok_json(ranks, special, tmp_path/'tokenizer.tok.json')
    tok = load_grok2_tokenizer(tmp_path)
    probe = texts[:300] + EDGE
    assert tiktoken_parity(probe, tok, path)['parity'] == 1.0
    assert tok.encode('<|separator|>') == [1998] and tok.pad_token_id is None

CORPORA = {  # file -> string fields of each record that are tokenized
    ('cn_medical_qa', 'cn_medical_qa.jsonl'): ('question', 'answer'),
    ('cn_legal_qa', 'lawbench_legal_qa.jsonl'): ('instruction', 'question', 'answer'),
    ('cn_legal_qa', 'laws_articles.jsonl'): ('law', 'chapter', 'text'),
    ('en_biomed_abstracts', 'pubmedqa_abstracts.jsonl'): ('text', 'question'),
    ('en_medical_qa_with_urls', 'medquad_qa_with_urls.jsonl'): ('question', 'answer'),
    ('near_dup_pairs', 'lcqmc_pairs.jsonl'): ('text_a', 'text_b'),
    ('near_dup_pairs', 'curai_mqp_pairs.jsonl'): ('text_a', 'text_b'),
}

def _lines(shared, folder: str, name: str, fields: tuple, n: int = 300) -> list:
    "The `fields` of the first `n` records of `../shared/corpora/folder/name`."
    out = []
    for line in (shared/'corpora'/folder/name).read_text(encoding='utf-8').split('\n')[:n]:  # U+2028 is in strings
        if line.strip(): out += [v for k, v in json.loads(line).items() if k in fields and isinstance(v, str)]
    return out

@pytest.mark.parametrize('parts', list(CORPORA), ids=lambda p: p[1].split('.')[0])
def test_real_corpus_parity(parts, shared, grok2):
    "300 real records per corpus file of ../shared (skipped in a fresh clone): every text field, ids equal."
    if not (shared/'corpora'/parts[0]/parts[1]).is_file(): pytest.skip(f'../shared/corpora/{parts[0]}/{parts[1]} is absent')
    texts = _lines(shared, *parts, CORPORA[parts])
    assert len(texts) >= 200
    for special in (True, False):
        rep = tiktoken_parity(texts, grok2, STAND_IN, special=special)
        assert rep['parity'] == 1.0, f"{rep['n'] - rep['n_equal']}/{rep['n']} differ: {rep['mismatches']}"

@pytest.mark.skipif(not os.environ.get('GROK2_TOKENIZER'), reason='GROK2_TOKENIZER (Grok-2\'s own tokenizer.tok.json) not set')
def test_real_grok2_file():
    "With Grok-2's own file: 131,072 ids, and parity on the edge strings and the real corpora."
    source = os.environ['GROK2_TOKENIZER']
    tok = load_grok2_tokenizer(source)
    assert len(tok) == tiktoken_encoding(source).n_vocab
    root = shared_dir()
    texts = EDGE + [t for (folder, name), fields in CORPORA.items()
                    if root is not None and (root/'corpora'/folder/name).is_file()
                    for t in _lines(root, folder, name, fields)]
    rep = tiktoken_parity(texts, tok, source)
    assert rep['parity'] == 1.0, rep['mismatches']
