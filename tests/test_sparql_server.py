"""KG augmentation against a real SPARQL server: `oxigraph serve-read-only` (the `oxigraph` PyPI package) on 127.0.0.1,
queried through SPARQLWrapper over HTTP; plus a refused connection, a server too slow to answer (timeout), malformed and
failing responses, the on-disk cache surviving a dead server, and the token-boundary invariant with real tokenizers.

Every server this file starts is stopped by its PID in a fixture finalizer."""
import http.server, json, os, re, shutil, signal, socket, subprocess, sys, threading, time, urllib.request
from pathlib import Path
import pytest
import pyoxigraph
from conftest import REPO, shared_dir
from grok_finetune.core import ConfigError, read_jsonl
from grok_finetune.kg import (DEFAULT_RELATION_QUERY, EmbeddedStore, HttpEndpoint, KGConfig, KGEndpointError, Relation,
                              SparqlClient, augment_records, discover_relations, fill_query, keeps_token_boundaries,
                              load_lexicon, sparql_literal, split_token_ids, _encode)

SAMPLE_KG = REPO/'data'/'sample'/'kg.ttl'
MED = 'http://example.org/medkg/'
HOSTILE = ['高血压" } ; ?s ?p ?o . } #', 'a\\" . FILTER(true) } UNION { ?s ?p ?o', 'line1\nline2\r\t}', '{predicate}\\u0022{lang}',
           "it's <b>&amp;</b> %20 ?x $y"]

def oxigraph_exe() -> str:
    exe = Path(sys.executable).parent/'oxigraph'
    found = str(exe) if exe.exists() else shutil.which('oxigraph')
    if not found: pytest.skip('the oxigraph CLI (pip install oxigraph) is not installed')
    return found

def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]

def wait_for_port(port: int, proc, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None: raise RuntimeError(f'oxigraph exited with {proc.returncode}: {proc.stderr.read()[-2000:]}')
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=0.2): return
        except OSError: time.sleep(0.05)
    raise TimeoutError(f'oxigraph did not listen on port {port} within {timeout}s')

class OxigraphServer:
    "Load Turtle `files` into a store under `location` with `oxigraph load`, then `oxigraph serve-read-only` it on 127.0.0.1."
    def __init__(self, files, location: Path):
        exe = oxigraph_exe()
        subprocess.run([exe, 'load', '--location', str(location), '--file', *map(str, files)], check=True,
                       capture_output=True, timeout=120)
        self.port = free_port()
        self.proc = subprocess.Popen([exe, 'serve-read-only', '--location', str(location), '--bind', f'127.0.0.1:{self.port}'],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try: wait_for_port(self.port, self.proc)
        except BaseException: self.stop(); raise
        self.url = f'http://127.0.0.1:{self.port}/query'

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try: self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired: os.kill(self.proc.pid, signal.SIGKILL); self.proc.wait()
        if self.proc.stderr: self.proc.stderr.close()

def write_hostile_ttl(path: Path) -> Path:
    "Entities whose labels are full of SPARQL syntax, each with one commonDrug fact, serialized by pyoxigraph."
    store = pyoxigraph.Store()
    label, drug = pyoxigraph.NamedNode('http://www.w3.org/2000/01/rdf-schema#label'), pyoxigraph.NamedNode(MED + 'commonDrug')
    for i, text in enumerate(HOSTILE):
        e, d = pyoxigraph.NamedNode(f'http://x/hostile{i}'), pyoxigraph.NamedNode(f'http://x/drug{i}')
        store.add(pyoxigraph.Quad(e, label, pyoxigraph.Literal(text, language='zh')))
        store.add(pyoxigraph.Quad(e, drug, d))
        store.add(pyoxigraph.Quad(d, label, pyoxigraph.Literal(f'drug{i}', language='zh')))
    store.dump(output=str(path), format=pyoxigraph.RdfFormat.TURTLE, from_graph=pyoxigraph.DefaultGraph())
    return path

@pytest.fixture(scope='module')
def sample_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('oxigraph_sample')
    server = OxigraphServer([SAMPLE_KG, write_hostile_ttl(tmp/'hostile.ttl')], tmp/'store')
    yield server
    server.stop()

@pytest.fixture(scope='module')
def medical_server(tmp_path_factory):
    root = shared_dir()
    ttl = root/'corpora'/'cn_medical_kg'/'medical_kg.ttl' if root else None
    if ttl is None or not ttl.exists(): pytest.skip('../shared/corpora/cn_medical_kg/medical_kg.ttl is absent (a fresh clone)')
    tmp = tmp_path_factory.mktemp('oxigraph_medical')
    server = OxigraphServer([ttl], tmp/'store')
    yield server
    server.stop()

@pytest.fixture(scope='module')
def corpus():
    return [dict(r, split='train') for r in read_jsonl(REPO/'data'/'sample'/'corpus.jsonl', progress=False)]

def offline_tokenizer_or_none():
    try:
        from grok_finetune.tokenizer import offline_tokenizer
        return offline_tokenizer()
    except ImportError: return None

# ---------------------------------------------------------------- the real server

def test_sample_kg_over_http_matches_embedded(sample_server):
    rel = Relation('commonDrug', MED + 'commonDrug')
    query = rel.build_query('高血压', 'zh')
    over_http = HttpEndpoint(sample_server.url, timeout=10).select(query)
    assert over_http == EmbeddedStore(SAMPLE_KG).select(query)
    assert {r['object'] for r in over_http} == {'氨氯地平', '缬沙坦', '美托洛尔'}
    client = SparqlClient(HttpEndpoint(sample_server.url))
    relations = discover_relations(client)
    assert len(relations) == 17 and {r.name for r in relations} >= {'commonDrug', 'creator', 'enactedBy'}
    assert load_lexicon(client, relations, 'en')['aspirin'] == ('adverseReaction', 'drugClass', 'indication')
    many = ' '.join(sparql_literal(f'label{i}', 'zh') for i in range(300))
    long_query = f'SELECT ?s WHERE {{ VALUES ?l {{ {many} "高血压"@zh }} ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }}'
    assert len(long_query) > 4000  # sent with POST
    assert HttpEndpoint(sample_server.url).select(long_query) == [{'s': 'http://example.org/grok-kg/Hypertension'}]

def test_hostile_labels_stay_one_literal_over_http(sample_server):
    endpoint = HttpEndpoint(sample_server.url)
    for i, label in enumerate(HOSTILE):
        rows = endpoint.select(fill_query(DEFAULT_RELATION_QUERY, label, 'zh', MED + 'commonDrug'))
        assert rows == [{'object': f'drug{i}'}], (label, rows)
    # a prefix of a hostile label (the part before the quote) must not match anything
    assert endpoint.select(fill_query(DEFAULT_RELATION_QUERY, '高血压" } ; ?s ?p ?o . } #'[:4], 'zh', MED + 'commonDrug')) == []

def test_augment_over_http_equals_embedded(sample_server, corpus):
    tok = offline_tokenizer_or_none()
    records = corpus[:120]
    embedded, rep_e = augment_records(records, KGConfig(), tok)
    over_http, rep_h = augment_records(records, KGConfig(endpoint=sample_server.url, timeout=10), tok)
    assert over_http == embedded
    assert rep_h.extra['augmented'] == rep_e.extra['augmented'] > 0
    assert rep_h.extra['per_relation'] == rep_e.extra['per_relation']
    assert rep_h.extra['client']['requests'] > 0

def test_cache_rerun_never_hits_a_dead_endpoint(tmp_path, corpus):
    server = OxigraphServer([SAMPLE_KG], tmp_path/'store')
    try:
        cfg = KGConfig(endpoint=server.url, cache_path=str(tmp_path/'kg_cache.sqlite'), retries=0)
        first, rep1 = augment_records(corpus[:80], cfg)
    finally: server.stop()
    assert rep1.extra['augmented'] > 0 and rep1.extra['client']['requests'] > 0
    second, rep2 = augment_records(corpus[:80], cfg)  # the server is gone: only the sqlite cache can answer
    assert second == first
    assert rep2.extra['client'].get('requests', 0) == 0 and 'endpoint_error' not in rep2.extra['not_augmented']

def test_real_medical_kg_over_http(medical_server, tmp_path):
    endpoint = HttpEndpoint(medical_server.url, timeout=30)
    rows = endpoint.select('PREFIX med: <http://example.org/medkg/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
                           'SELECT ?symptom WHERE { ?d rdfs:label "百日咳"@zh ; med:hasSymptom ?s . ?s rdfs:label ?symptom . }')
    assert len(rows) == 8
    complications = endpoint.select(Relation('c', MED + 'hasComplication').build_query('百日咳', 'zh'))
    assert {r['object'] for r in complications} >= {'肺不张', '支气管肺炎'}
    count = endpoint.select('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }')
    assert int(count[0]['n']) == 61376
    client = SparqlClient(endpoint)
    relations = discover_relations(client)
    assert len(relations) == 10
    lexicon = load_lexicon(client, relations, 'zh')
    assert len(lexicon) >= 1000 and 'hasSymptom' in lexicon['百日咳']
    records = [{'id': 'q1', 'split': 'train', 'text': '孩子咳嗽一直不好。医生说可能是百日咳，需要注意什么？'},
               {'id': 'q2', 'split': 'train', 'text': '高血压患者能吃党参吗？平时还要注意哪些饮食？'}]
    out, report = augment_records(records, KGConfig(endpoint=medical_server.url, timeout=30, cache_path=str(tmp_path/'c.sqlite')))
    assert report.extra['augmented'] == 2 and all(1 <= len(r['kg_triples']) <= 2 for r in out)
    assert out[0]['text'].startswith('已知百日咳的') and out[0]['text'].endswith(records[0]['text'])

# ---------------------------------------------------------------- failures

def test_refused_connection_is_skipped_or_raised(corpus):
    url = f'http://127.0.0.1:{free_port()}/query'  # nothing listens there
    with pytest.raises(KGEndpointError, match='127.0.0.1'):
        HttpEndpoint(url, timeout=2).select('SELECT * WHERE { ?s ?p ?o } LIMIT 1')
    out, report = augment_records(corpus[:10], KGConfig(endpoint=url, retries=1, backoff=0.01, max_consecutive_failures=3))
    assert report.extra['augmented'] == 0 and report.extra['not_augmented'] == {'endpoint_error': 10}
    assert report.extra['client']['requests'] == 6  # 3 failed queries x 2 attempts, then the circuit breaker
    assert [r['instruction'] for r in out] == [r['instruction'] for r in corpus[:10]]
    with pytest.raises(KGEndpointError):
        augment_records(corpus[:10], KGConfig(endpoint=url, retries=0, on_error='raise'))

class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers every GET with the server's `reply` (status, content type, body) after sleeping `delay` seconds;
    with `trickle` > 0 the body goes out one byte every `trickle` seconds."""
    def do_GET(self):
        self.server.hits += 1
        time.sleep(self.server.delay)
        status, ctype, body = self.server.reply
        try:
            self.send_response(status); self.send_header('Content-Type', ctype)
            self.send_header('Content-Length', str(len(body))); self.end_headers()
            if not self.server.trickle: self.wfile.write(body); return
            for i in range(len(body)):
                if self.server.stopped: return
                self.wfile.write(body[i:i + 1]); self.wfile.flush(); time.sleep(self.server.trickle)
        except (BrokenPipeError, ConnectionResetError): pass
    def log_message(self, *args): pass

@pytest.fixture
def fake_server():
    "A local HTTP server whose reply and delay each test sets; shut down after the test."
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
    server.daemon_threads, server.delay, server.hits, server.trickle, server.stopped = True, 0.0, 0, 0.0, False
    server.reply = (200, 'application/sparql-results+json', b'{"head": {"vars": []}, "results": {"bindings": []}}')
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f'http://127.0.0.1:{server.server_address[1]}/sparql'
    yield server
    server.stopped = True
    server.shutdown(); server.server_close(); thread.join(5)

def test_trickling_server_hits_the_total_deadline(fake_server):
    "1 byte every 0.3 s: no single read times out, but the request as a whole must."
    fake_server.trickle = 0.3
    start = time.monotonic()
    with pytest.raises(KGEndpointError, match='no complete answer within 1 s'):
        HttpEndpoint(fake_server.url, timeout=1.0).select('SELECT * WHERE { ?s ?p ?o }')
    assert time.monotonic() - start < 2.0
    fake_server.trickle = 0.0                   # the same endpoint answers normally once the server does
    assert HttpEndpoint(fake_server.url, timeout=1.0).select('SELECT * WHERE { ?s ?p ?o }') == []

def test_too_slow_server_times_out(fake_server):
    fake_server.delay = 2.0
    start = time.monotonic()
    with pytest.raises(KGEndpointError, match='(?i)timed out|timeout'):
        HttpEndpoint(fake_server.url, timeout=0.3).select('SELECT * WHERE { ?s ?p ?o }')
    assert time.monotonic() - start < 1.5
    client = SparqlClient(HttpEndpoint(fake_server.url, timeout=0.3), retries=1, backoff=0.05)
    with pytest.raises(KGEndpointError, match='gave up after 2 attempts'):
        client.select('SELECT * WHERE { ?s ?p ?o }')
    assert client.stats['requests'] == 2 and client.stats['retries'] == 1

@pytest.mark.parametrize('reply,message', [
    ((200, 'application/sparql-results+json', b'{"head": {"vars": ["o"]}, "results": {"bindi'), 'not JSON'),
    ((200, 'application/sparql-results+json', b'{"boolean": true}'), 'malformed SPARQL JSON'),
    ((200, 'text/html', b'<html><body>Bad gateway</body></html>'), 'malformed SPARQL JSON'),
    ((500, 'text/plain', b'internal error'), 'EndPointInternalError'),
    ((503, 'text/plain', b'try later'), '503'),
])
def test_malformed_or_failing_response(fake_server, reply, message):
    fake_server.reply = reply
    client = SparqlClient(HttpEndpoint(fake_server.url, timeout=5), retries=1, backoff=0.01)
    with pytest.raises(KGEndpointError, match=message):
        client.select('SELECT * WHERE { ?s ?p ?o }')
    assert fake_server.hits == 2  # retried once, and nothing was cached
    assert client.cache.memory == {}

def test_rejected_query_is_a_config_error(fake_server):
    fake_server.reply = (400, 'text/plain', b'Parse error at line 1')
    with pytest.raises(ConfigError, match='rejected the query'):
        SparqlClient(HttpEndpoint(fake_server.url), retries=3).select('SELECT ?x WHERE {')
    assert fake_server.hits == 1

def test_rate_limit_spaces_requests(fake_server):
    client = SparqlClient(HttpEndpoint(fake_server.url), rate_limit=10)
    start = time.monotonic()
    for i in range(4): client.select(f'SELECT * WHERE {{ ?s ?p {i} }}')
    assert time.monotonic() - start >= 0.29 and fake_server.hits == 4

# ---------------------------------------------------------------- token boundaries with real tokenizers

_LATIN = re.compile(r'[A-Za-z0-9]')

def _check_invariant(tok, before: dict, after: dict):
    "The full-text tokens of the augmented field = prefix + injection + suffix tokens, and prefix + suffix = the original's tokens."
    inj = after['kg_injection']
    path = inj['field'].split('.')
    get = lambda r: r[path[0]] if len(path) == 1 else r[path[0]][int(path[1])][path[2]]
    original, augmented, pos, piece = get(before), get(after), inj['offset'], inj['text']
    assert augmented == original[:pos] + piece + original[pos:]
    ids_a, off_a = _encode(tok, augmented)
    # trailing spaces of the injection may begin the first suffix token (SentencePiece attaches a space to the next word)
    prefix, injection, suffix = split_token_ids(ids_a, off_a, [pos, pos + len(piece.rstrip())])
    assert tok(augmented, add_special_tokens=False)['input_ids'] == prefix + injection + suffix and injection
    assert prefix + suffix == tok(original, add_special_tokens=False)['input_ids']
    assert len(prefix) <= len(prefix + suffix) // 3, (len(prefix), len(prefix + suffix))   # the first third, in tokens
    if pos == 0 and piece != piece.rstrip() and not _LATIN.search(piece[-2:-1] + original[:1]):
        # a space between Chinese neighbours only where the tokenizer needs it (a dummy-prefix `▁`)
        assert not keeps_token_boundaries(tok, original, 0, piece.rstrip()), repr(piece)

@pytest.mark.parametrize('which', ['offline', 'grok'])
def test_token_boundary_invariant_on_sample(corpus, which):
    try: import grok_finetune.tokenizer as tokmod
    except ImportError: pytest.skip('grok_finetune.tokenizer is not available')
    if which == 'offline': tok = tokmod.offline_tokenizer()
    else:
        model = shared_dir()/'grok-1'/'tokenizer.model' if shared_dir() else None
        if model is None or not model.exists(): pytest.skip('../shared/grok-1/tokenizer.model is absent')
        tok = tokmod.load_grok_tokenizer(model)
    out, report = augment_records(corpus, KGConfig(), tok)
    assert report.extra['augmented'] > len(corpus) // 3
    assert report.extra['not_augmented'].get('no_token_boundary', 0) <= len(corpus) // 50
    for before, after in zip(corpus, out):
        if after['kg_injection']: _check_invariant(tok, before, after)

def test_answer_with_unexpected_variables_is_an_endpoint_error(fake_server):
    fake_server.reply = (200, 'application/sparql-results+json',
                         b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}}')
    client = SparqlClient(HttpEndpoint(fake_server.url, timeout=2), retries=0)
    with pytest.raises(KGEndpointError, match=r'lacks \?p, \?label \(it binds \?x\)'):
        discover_relations(client)
