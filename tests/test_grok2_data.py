"""The data path with a Grok-2 tokenizer, end to end on the sample corpus (zh + en).

The tokenizer is the course's stand-in in Grok-2's format (data/sample/grok2_tokenizer, 4,096 ids, byte-level BPE,
`<|pad|>` 0, `<|separator|>` 1, `<|eos|>` 2, `<|control1..20|>` 3-22): read -> domains -> tokenize with the chat
template (256 / 512 cap) -> domain token; `tokenize_dataset` in truncate and segment mode; character-safe cuts on
Chinese, emoji and odd Unicode at every cap length; domain tokens from reserved pieces or added with a resize; the KG
augmentation's token-boundary invariant. Grok-1's layout is checked alongside where the same function serves both.
"""
import random
import pytest
import torch
from conftest import REPO

from grok_finetune.core import DataError, ConfigError, sample_dir
from grok_finetune.tokenizer import (SEPARATOR_ID, EOS_ID, PAD_ID, cap_ids, continuation_byte_ids, get_tokenizer,
                                     grok2_stand_in_path, load_grok2_tokenizer, offline_tokenizer, special_token_ids,
                                     tokenize_dataset, tokenizer_family, is_byte_level)
from grok_finetune.tokenizer import read_tok_json, write_tok_json, tiktoken_encoding
from grok_finetune.formats import read_records, tokenize_records, tokenize_sft
from grok_finetune.domains import (DomainMap, AdapterRouting, add_domain_tokens, append_domain_tokens, assign_domains,
                                   domain_token_id, reserved_domain_pieces)

STAND_IN = REPO/'data'/'sample'/'grok2_tokenizer'/'tokenizer.tok.json'
CORPUS = sample_dir()/'corpus.jsonl'
ODD = ['龘𠀀😀👍🏽👨‍👩‍👧 高血压患者可以服用阿司匹林吗？', 'Aspirin 100 mg, once a day.', 'e\u0301 n\u0303 ﬁ ½ Ⅻ',
       '\u200b\u200d\ufeff\u00ad 零宽', 'مرحبا بالعالم עברית', '가 한국어 にほんご', '\U0010ffff\U0001f9d1\u200d\U0001f4bb',
       '  \n\n\t 空白  ', '１２３ＡＢＣ，。！', '\x00\x07控制\x1b']

@pytest.fixture(scope='module')
def grok2():
    return load_grok2_tokenizer(STAND_IN)

@pytest.fixture(scope='module')
def enc():
    pytest.importorskip('tiktoken')
    return tiktoken_encoding(STAND_IN)

@pytest.fixture(scope='module')
def records():
    return assign_domains(read_records(CORPUS), DomainMap.load(sample_dir()/'domain_map.json'))

def token_bytes(tok, ids) -> bytes:
    "The bytes behind byte-level token `ids` (what the decoder joins before reading UTF-8)."
    from grok_finetune.tokenizer import byte_level_bytes
    return b''.join(byte_level_bytes(t) for t in tok.convert_ids_to_tokens(ids))

# ---------------------------------------------------------------------------------------------- which tokenizer

def test_get_tokenizer_picks_grok2_for_its_sources(grok2, monkeypatch, tmp_path):
    monkeypatch.delenv('GROK_TOKENIZER', raising=False)
    assert get_tokenizer() is offline_tokenizer()                             # Grok-1 default unchanged
    for source in ['grok2', STAND_IN, str(STAND_IN), STAND_IN.parent, f'grok2:{STAND_IN}']:
        assert get_tokenizer(source) is grok2, source
    monkeypatch.setenv('GROK_TOKENIZER', str(STAND_IN))
    assert get_tokenizer() is grok2
    monkeypatch.setenv('GROK_TOKENIZER', str(STAND_IN.parent))
    assert get_tokenizer() is grok2
    both = tmp_path/'both'                            # a tokenizer.model wins, as in load_grok_tokenizer
    both.mkdir()
    (both/'tokenizer.tok.json').write_bytes(STAND_IN.read_bytes())
    (both/'tokenizer.model').write_bytes(b'not a model')
    with pytest.raises(DataError, match='not a SentencePiece model'): get_tokenizer(both)

def test_family_and_special_ids(grok2, tmp_path):
    assert (tokenizer_family(grok2), special_token_ids(grok2)) == ('grok2', {'pad': 0, 'separator': 1, 'eos': 2})
    assert (tokenizer_family(offline_tokenizer()), special_token_ids(offline_tokenizer())) == \
        ('grok1', {'pad': PAD_ID, 'separator': SEPARATOR_ID, 'eos': EOS_ID})
    grok2.save_pretrained(str(tmp_path/'saved'))                              # what the pipeline's model stage reloads
    from transformers import AutoTokenizer
    back = AutoTokenizer.from_pretrained(str(tmp_path/'saved'))
    assert (tokenizer_family(back), special_token_ids(back)) == ('grok2', {'pad': 0, 'separator': 1, 'eos': 2})
    assert continuation_byte_ids(back) == continuation_byte_ids(grok2)
    assert back.chat_template == grok2.chat_template

def test_real_grok1_is_grok1(shared):
    from grok_finetune.tokenizer import load_grok_tokenizer
    grok = load_grok_tokenizer(shared/'grok-1'/'tokenizer.model')
    assert tokenizer_family(grok) == 'grok1' and not is_byte_level(grok)
    assert special_token_ids(grok) == {'pad': 0, 'separator': 47, 'eos': 2}
    assert continuation_byte_ids(grok) == frozenset(range(69 + 0x80, 69 + 0xC0))
    assert [domain_token_id(i, grok) for i in range(20)] == list(range(49, 69))

# ------------------------------------------------------------------------------------ character-safe caps

def test_continuation_ids_are_tokens_starting_with_a_continuation_byte(grok2, enc):
    cont = continuation_byte_ids(grok2)
    assert cont == {i for i in range(len(grok2)) if 0x80 <= enc.decode_single_token_bytes(i)[0] < 0xC0}
    assert len(cont) >= 64                                                    # at least the 64 single bytes

@pytest.mark.parametrize('text', ODD + [''.join(ODD)], ids=range(len(ODD) + 1))
def test_every_cap_length_keeps_whole_characters(grok2, text):
    ids, cont, sep = grok2.encode(text), continuation_byte_ids(grok2), special_token_ids(grok2)['separator']
    for k in range(1, len(ids) + 1):
        kept = cap_ids(ids, k, 'truncate', cont)[0]
        assert len(kept) <= k and text.startswith(token_bytes(grok2, kept).decode('utf-8'))
        if k < 5: continue
        segs = cap_ids(ids, k, 'segment', cont, sep)
        assert all(len(s) <= k for s in segs) and all(s[-1] == sep for s in segs[:-1])
        parts = [token_bytes(grok2, s[:-1] if j < len(segs) - 1 else s).decode('utf-8') for j, s in enumerate(segs)]
        assert ''.join(parts) == text

def test_random_text_cuts(grok2):
    "Random mixes of 1- to 4-byte characters, cut at random caps: every piece is valid UTF-8, all rebuild the text."
    rng = random.Random(0)
    alphabet = list('ab 高血压。，\n') + ['é', 'ß', '€', '𠀀', '😀', '👍🏽', '\u200d', '龘', 'ع', '\U0010ffff']
    cont, sep = continuation_byte_ids(grok2), special_token_ids(grok2)['separator']
    for _ in range(300):
        text = ''.join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
        ids, k = grok2.encode(text), rng.randint(5, 40)
        segs = cap_ids(ids, k, 'segment', cont, sep)
        parts = [token_bytes(grok2, s[:-1] if j < len(segs) - 1 else s).decode('utf-8') for j, s in enumerate(segs)]
        assert ''.join(parts) == text

@pytest.mark.parametrize('overflow', ['truncate', 'segment'])
@pytest.mark.parametrize('max_length', [16, 64, 256])
def test_tokenize_dataset_modes(grok2, records, overflow, max_length):
    import datasets
    texts = [r['instruction'] + '\n' + r['output'] for r in records] + ODD * 3
    ds = datasets.Dataset.from_dict({'id': [str(i) for i in range(len(texts))], 'text': texts})
    full = [grok2.encode(t) for t in texts]
    out = tokenize_dataset(ds, grok2, max_length=max_length, overflow=overflow, reserve=1)
    assert max(len(i) for i in out['input_ids']) <= max_length - 1
    assert max(max(i) for i in out['input_ids'] if i) < len(grok2)
    pieces = {}
    for r in out: pieces.setdefault(int(r['id']), []).append(r['input_ids'])
    for i, ids in enumerate(full):
        got = pieces[i]
        if overflow == 'truncate':
            assert len(got) == 1 and ids[:len(got[0])] == got[0] and texts[i].startswith(grok2.decode(got[0]))
        else:
            assert all(p[-1] == 1 for p in got[:-1])
            assert sum([p[:-1] for p in got[:-1]], []) + got[-1] == ids
            assert ''.join(token_bytes(grok2, p[:-1]).decode('utf-8') for p in got[:-1]) + \
                token_bytes(grok2, got[-1]).decode('utf-8') == texts[i]

# --------------------------------------------------------------------------------- chat form and labels

def chat_of(record: dict) -> list:
    "The messages `tokenize_sft` renders for an Alpaca-style `record`."
    user = record['instruction'] + (f"\n\n{record['input']}" if record.get('input') else '')
    return [{'role': 'user', 'content': user}, {'role': 'assistant', 'content': record['output']}]

@pytest.mark.parametrize('max_length', [256, 512])
def test_end_to_end_sample_corpus(grok2, records, max_length):
    dmap = DomainMap.load(sample_dir()/'domain_map.json')
    rows = append_domain_tokens(tokenize_records(records, grok2, max_length=max_length, reserve=1), grok2, max_length)
    assert len(rows) == len(records) and {r['lang'] for r in rows} == {'zh', 'en'}
    routing = AdapterRouting.build(dmap, grok2)
    n_truncated = 0
    for rec, row in zip(records, rows):
        ids, labels = row['input_ids'], row['labels']
        assert len(ids) <= max_length and max(ids) < len(grok2) and len(labels) == len(ids) == len(row['attention_mask'])
        assert ids[-1] == domain_token_id(rec['domain_id'], grok2) == 3 + rec['domain_id'] and labels[-1] == -100
        assert routing.route(row) == rec['domain']
        msgs = chat_of(rec)
        prompt = grok2.apply_chat_template(msgs[:1], add_generation_prompt=True, tokenize=True, return_dict=False)
        whole = grok2.apply_chat_template(msgs, tokenize=True, return_dict=False) + [grok2.eos_token_id]
        assert ids[:len(prompt)] == prompt and set(labels[:len(prompt)]) == {-100}
        assert labels[len(prompt):-1] == ids[len(prompt):-1]
        answer = grok2.decode(ids[len(prompt):-1])
        reference = ' ' + rec['output'] + '<|separator|>\n\n<|eos|>'
        if ids[:-1] == whole: assert answer == reference
        else:
            n_truncated += 1
            assert reference.startswith(answer) and '\ufffd' not in answer and ids[:-1] == whole[:len(ids) - 1]
    assert (n_truncated > 0) == (max_length == 256)                          # the 256 cap cuts some long answers

def test_chat_form_is_the_servers(grok2):
    "vLLM / SGLang's Grok-2 form: `Human: …<|separator|>\\n\\nAssistant: …<|separator|>\\n\\n`; labels only on answers."
    conv = {'conversations': [{'role': 'system', 'content': ' 你是医生。'}, {'role': 'user', 'content': '头痛怎么办？ '},
                              {'role': 'assistant', 'content': '多休息，多喝水。'}, {'role': 'user', 'content': 'And then?'},
                              {'role': 'assistant', 'content': 'See a doctor if it lasts.'}]}
    ex = tokenize_sft(conv, grok2)
    text = ('System: 你是医生。<|separator|>\n\nHuman: 头痛怎么办？<|separator|>\n\nAssistant: 多休息，多喝水。<|separator|>\n\n'
            'Human: And then?<|separator|>\n\nAssistant: See a doctor if it lasts.<|separator|>\n\n<|eos|>')
    assert grok2.decode(ex['input_ids']) == text
    trained = grok2.decode([t for t, l in zip(ex['input_ids'], ex['labels']) if l != -100])
    assert trained == ' 多休息，多喝水。<|separator|>\n\n See a doctor if it lasts.<|separator|>\n\n<|eos|>'

@pytest.mark.parametrize('text', ODD, ids=range(len(ODD)))
def test_odd_unicode_records(grok2, text):
    rec = {'instruction': text, 'input': '', 'output': text + ' 答'}
    ex = tokenize_sft(rec, grok2, max_length=10**6)
    msgs = chat_of(rec)
    assert ex['input_ids'] == grok2.apply_chat_template(msgs, tokenize=True, return_dict=False) + [2]
    prompt = grok2.apply_chat_template(msgs[:1], add_generation_prompt=True, tokenize=True, return_dict=False)
    assert grok2.decode(ex['input_ids'][len(prompt):]) == ' ' + text + ' 答<|separator|>\n\n<|eos|>'
    assert set(ex['labels'][:len(prompt)]) == {-100}

def test_truncation_never_splits_a_character(grok2):
    rec = {'conversations': [{'role': 'user', 'content': '写字'}, {'role': 'assistant', 'content': '龘😀👍🏽𠀀' * 6}]}
    prompt = grok2.apply_chat_template(rec['conversations'][:1], add_generation_prompt=True, tokenize=True,
                                       return_dict=False)
    n_ok = 0
    for n in range(len(prompt) + 1, len(tokenize_sft(rec, grok2, max_length=10**6)['input_ids'])):
        try: ex = tokenize_sft(rec, grok2, max_length=n, reserve=0)
        except DataError: continue
        assert len(ex['input_ids']) <= n
        token_bytes(grok2, ex['input_ids']).decode('utf-8')                  # whole characters only
        n_ok += 1
    assert n_ok > 20

def test_grok1_truncation_unchanged():
    "Grok-1's cut in `tokenize_sft` is the plain one it always was (earlier datasets reproduce byte for byte)."
    tok = offline_tokenizer()
    rec = {'instruction': '写字', 'input': '', 'output': 'aa' + '龘' * 300}    # unseen character: three byte tokens each
    full = tokenize_sft(rec, tok, max_length=10**6)['input_ids']
    assert full[511] in continuation_byte_ids(tok)                            # the cut at 511 falls inside a character
    ex = tokenize_sft(rec, tok, max_length=512, reserve=1)
    assert ex['input_ids'] == full[:511]

# ------------------------------------------------------------------------------------------- domain tokens

def test_domain_tokens_from_reserved_pieces_or_resize(grok2, tmp_path):
    from grok_finetune.model import GrokForCausalLM, tiny_grok2_config
    dmap = DomainMap.create(['medical', 'legal', 'coding'])
    assert reserved_domain_pieces(grok2) == [f'<|control{k}|>' for k in range(1, 21)]
    assert [domain_token_id(i, grok2) for i in range(3)] == [3, 4, 5]
    spec = read_tok_json(STAND_IN)
    bare = load_grok2_tokenizer(write_tok_json({b: i - 20 for b, i in spec['ranks'].items()},
                                               {'<|pad|>': 0, '<|separator|>': 1, '<|eos|>': 2}, tmp_path/'tokenizer.tok.json'))
    import copy
    bare = copy.deepcopy(bare)
    assert reserved_domain_pieces(bare) == [] and len(bare) == 4076
    with pytest.raises(ConfigError, match='no token for domain_id 0'): domain_token_id(0, bare)
    model = GrokForCausalLM(tiny_grok2_config(vocab_size=len(bare)))
    ids = add_domain_tokens(bare, model, dmap)
    assert ids == [4076, 4077, 4078] and model.get_input_embeddings().weight.shape[0] == len(bare) == 4079
    row = {'input_ids': bare.encode('高血压 hypertension') + [ids[0]]}
    with torch.no_grad(): assert model(input_ids=torch.tensor([row['input_ids']])).logits.shape[-1] == len(bare)

def test_grok2_layout_controls_then_reserved(tmp_path):
    spec = read_tok_json(STAND_IN)
    specials = ({'<|pad|>': 0, '<|separator|>': 1, '<|eos|>': 2} | {f'<|reserved_{k}|>': k for k in range(3, 128)}
                | {f'<|control{k}|>': 127 + k for k in range(1, 705)})
    tok = load_grok2_tokenizer(write_tok_json({b: i - 23 + 832 for b, i in spec['ranks'].items()}, specials,
                                              tmp_path/'tokenizer.tok.json'))
    pieces = reserved_domain_pieces(tok)
    assert pieces[:2] == ['<|control1|>', '<|control2|>'] and pieces[704:706] == ['<|reserved_3|>', '<|reserved_4|>']
    assert [domain_token_id(d, tok) for d in (0, 703, 704, 828)] == [128, 831, 3, 127]
    assert tokenizer_family(tok) == 'grok2'

def test_gapped_ids_are_refused(tmp_path):
    spec = read_tok_json(STAND_IN)
    path = write_tok_json(spec['ranks'], {'<|pad|>': 0, '<|separator|>': 1, '<|eos|>': 2}, tmp_path/'tokenizer.tok.json')
    with pytest.raises(DataError, match='no token has id 3'): load_grok2_tokenizer(path)

# ------------------------------------------------------------------------------------------ KG augmentation

def test_kg_injection_keeps_grok2_tokens(grok2):
    "Every augmented record: ids(prefix) + ids(injection) + ids(suffix) == ids(augmented), prefix + suffix == ids(text)."
    from grok_finetune.core import read_jsonl
    from grok_finetune.kg import KGConfig, augment_records, get_path, injection_token_split
    corpus = [dict(r, split='train') for r in read_jsonl(CORPUS, progress=False)]
    augmented, report = augment_records(corpus, KGConfig(), grok2)
    ids = lambda s: grok2(s, add_special_tokens=False)['input_ids']
    n = 0
    for before, after in zip(corpus, augmented):
        inj = after['kg_injection']
        if not inj: continue
        path = tuple(inj['field'].split('.'))
        original, new = get_path(before, path), get_path(after, path)
        p, i, s = injection_token_split(grok2, original, inj['offset'], inj['text'])
        assert p + s == ids(original) and p + i + s == ids(new) and i
        assert len(p) <= len(p + s) // 3
        n += 1
    assert n == report.extra['augmented'] > len(corpus) // 3
    assert report.extra['not_augmented'].get('no_token_boundary', 0) <= 2
