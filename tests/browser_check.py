"""Browser check of the course (outside the default suite; `make test-browser`).

Starts JupyterLab on 127.0.0.1 with a fresh token, drives Debian's headless Chromium with Playwright to open
`index.ipynb` and one course notebook, runs all cells through JupyterLab's own "Run All Cells" command, waits for
the kernel to go idle, fails on any error output, and saves a screenshot of each into tests/_artifacts/.
"""
import os, re, secrets, socket, subprocess, sys, time
from pathlib import Path
from urllib.request import urlopen

REPO = Path(__file__).resolve().parents[1]
ART = REPO/'tests'/'_artifacts'
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
PANEL = '.jp-NotebookPanel:not(.lm-mod-hidden)'
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync']

def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def start_lab(port: int, token: str, root: Path) -> subprocess.Popen:
    settings = ART/'lab-settings'/'@jupyterlab'/'notebook-extension'
    settings.mkdir(parents=True, exist_ok=True)
    # render every cell (JupyterLab 4 virtualises long notebooks), so every output can be checked
    (settings/'tracker.jupyterlab-settings').write_text('{"windowingMode": "none"}')
    (ART/'lab-settings'/'@jupyterlab'/'apputils-extension').mkdir(parents=True, exist_ok=True)
    (ART/'lab-settings'/'@jupyterlab'/'apputils-extension'/'notification.jupyterlab-settings').write_text(
        '{"fetchNews": "false", "checkForUpdates": false}')
    cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', f'--port={port}', '--ip=127.0.0.1',
           f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={root}', '--ServerApp.open_browser=False', '--allow-root',
           f'--LabApp.user_settings_dir={ART/"lab-settings"}', f'--LabApp.workspaces_dir={ART/"lab-workspaces"}']
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(ART/'jupyterlab.log', 'w'))
    for _ in range(120):
        try:
            urlopen(f'http://127.0.0.1:{port}/api/status?token={token}', timeout=1); return proc
        except OSError: time.sleep(0.5)
    proc.terminate(); raise RuntimeError(f'JupyterLab did not start; see {ART/"jupyterlab.log"}')

def is_error_text(text: str) -> bool:
    "An error output (traceback), as opposed to warnings and progress bars that also go to stderr."
    first = text.strip().splitlines()[0] if text.strip() else ''
    return 'Traceback' in text or bool(re.match(r'^[A-Za-z_.]*(Error|Exception)\b', first))

def error_outputs(page) -> list:
    stderr = page.locator(f'{PANEL} .jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]').all_inner_texts()
    return [t for t in stderr if is_error_text(t)]

def run_notebook_in_lab(page, url: str, name: str, timeout_s: int = 300) -> list:
    page.goto(url)
    page.wait_for_selector(f'{PANEL} .jp-Cell', timeout=60_000)
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=60_000)
    page.locator(f'{PANEL} .jp-Notebook').first.click()
    page.keyboard.press('Escape')
    page.get_by_role('menuitem', name='Run', exact=True).click()
    page.get_by_role('menuitem', name='Run All Cells', exact=True).click()
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        prompts = page.locator(f'{PANEL} .jp-CodeCell .jp-InputArea-prompt').all_inner_texts()
        if all(re.match(r'^\[\d+\]:', p.strip()) for p in prompts) or error_outputs(page): break
        time.sleep(1)
    else: raise TimeoutError(f'{name}: cells not all run after {timeout_s}s: prompts {prompts}')
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=60_000)
    page.screenshot(path=str(ART/f'{Path(name).stem}.png'), full_page=False)
    return error_outputs(page)

def main(notebooks=('index.ipynb', '00_core.ipynb')):
    from playwright.sync_api import sync_playwright
    ART.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    lab = start_lab(port, token, REPO/'nbs')
    failures = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            page = browser.new_page(viewport={'width': 1280, 'height': 900})
            for nb in notebooks:
                errors = run_notebook_in_lab(page, f'http://127.0.0.1:{port}/lab/workspaces/check/tree/{nb}?reset&token={token}', nb)
                print(f'{nb}: {"errors: " + str(errors)[:500] if errors else "ran all cells, no error output"}; '
                      f'screenshot {ART/(Path(nb).stem + ".png")}')
                if errors: failures.append(nb)
            browser.close()
    finally:
        lab.terminate()
        try: lab.wait(10)
        except subprocess.TimeoutExpired: lab.kill()
    if failures: sys.exit(f'error output in {failures}')
    print('browser check passed')

if __name__ == '__main__':
    main(tuple(sys.argv[1:]) or ('index.ipynb', '00_core.ipynb'))
