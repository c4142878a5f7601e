"""Grok-1 tokenizer parity: the fast tokenizer of `grok_finetune.tokenizer` gives exactly sentencepiece's ids on every
record of the real corpora in ../shared (skips in a fresh clone without ../shared)."""
import json
import pytest
from conftest import shared_dir

@pytest.fixture(scope='module')
def shared_root():
    p = shared_dir()
    if p is None or not (p/'grok-1'/'tokenizer.model').exists():
        pytest.skip('../shared (with grok-1/tokenizer.model) is absent: real-tokenizer parity skipped')
    return p

CORPORA = {  # file -> string fields of each record that are tokenized
    ('cn_medical_qa', 'cn_medical_qa.jsonl'): ('question', 'answer', 'title', 'department'),
    ('cn_legal_qa', 'lawbench_legal_qa.jsonl'): ('instruction', 'question', 'answer'),
    ('cn_legal_qa', 'laws_articles.jsonl'): ('law', 'chapter', 'text'),
    ('en_biomed_abstracts', 'pubmedqa_abstracts.jsonl'): ('text', 'question'),
}

@pytest.fixture(scope='module')
def grok(shared_root):
    from grok_finetune.tokenizer import load_grok_tokenizer
    return load_grok_tokenizer(shared_root/'grok-1'/'tokenizer.model')

@pytest.fixture(scope='module')
def reference(shared_root):
    import sentencepiece as spm
    return spm.SentencePieceProcessor(model_file=str(shared_root/'grok-1'/'tokenizer.model'))

@pytest.mark.parametrize('parts', list(CORPORA), ids=lambda p: p[1].split('.')[0])
def test_full_corpus_parity(parts, shared_root, grok, reference):
    "Every record, every text field: ids equal sentencepiece's (100 %) through the backend, the transformers API and `encode_ids`."
    path = shared_root/'corpora'/parts[0]/parts[1]
    records = [json.loads(l) for l in path.read_text(encoding='utf-8').split('\n') if l.strip()]
    texts = [r[f] for r in records for f in CORPORA[parts] if isinstance(r.get(f), str)]
    assert len(texts) >= len(records)
    ref = reference.encode(texts)
    fast = [e.ids for e in grok.backend_tokenizer.encode_batch(texts, add_special_tokens=False)]
    bad = [(t[:60], r[:8], f[:8]) for t, r, f in zip(texts, ref, fast) if r != f]
    assert not bad, f'{len(bad)}/{len(texts)} texts differ from sentencepiece, e.g. {bad[:3]}'
    api = grok(texts[:500])['input_ids']
    assert api == ref[:500]
    from grok_finetune.tokenizer import encode_ids, prenormalized_twin
    assert prenormalized_twin(grok.backend_tokenizer) is not None          # the pipeline's path: normalised in Python
    pipe = list(encode_ids(texts, grok))
    bad = [(t[:60], r[:8], f[:8]) for t, r, f in zip(texts, ref, pipe) if r != f]
    assert not bad, f'pipeline path (encode_ids): {len(bad)}/{len(texts)} texts differ from sentencepiece, e.g. {bad[:3]}'

def test_every_vocabulary_piece(shared_root, grok, reference):
    "Each ordinary piece encoded on its own is that one piece in both (what `ignore_merges=True` relies on)."
    from sentencepiece import sentencepiece_model_pb2 as pb
    m = pb.ModelProto(); m.ParseFromString((shared_root/'grok-1'/'tokenizer.model').read_bytes())
    texts = [p.piece[1:].replace('▁', ' ') if p.piece.startswith('▁') else '\n' + p.piece.replace('▁', ' ')
             for p in m.pieces if p.type == 1]
    assert len(texts) == 130747
    ref = reference.encode(texts)
    fast = [e.ids for e in grok.backend_tokenizer.encode_batch(texts, add_special_tokens=False)]
    assert ref == fast

EDGE = ['', ' ', '  ', ' a', 'a  b', 'a' + ' ' * 17 + 'b', '\n', '\nabc', '12型糖尿病', '2024年', 'x <|separator|> y',
        '<|separator|>', '<|control20|><|control1|>', '<|control21|>', '[BOS] [EOS] [PAD] [UNK]', '<s></s><unk>', '\t\tdef f():',
        '\n' * 23 + 'x', '１２３ＡＢＣ', 'a\u3000b', '\x00\x07\x1b', '▁▁a', '😀 emoji 𝕏', 'café naïve', '哈哈哈哈哈哈哈哈哈',
        '-' * 40, '.' * 33, 'ab' * 50, '  \n  \n', 'é\u0301', '\ufeffBOM', '\r\n']

def test_edge_strings(grok, reference):
    "Hand-picked strings around every mismatch class of the straight conversion."
    for s in EDGE:
        assert grok.encode(s) == reference.encode(s), repr(s)
        assert grok.decode(grok.encode(s)) == reference.decode(reference.encode(s)), repr(s)
