"""The Content-Security-Policy holds every page, the API docs included, to this server (Chromium, real app)."""

from ..liveapp import live_app

WATCH_POLICY = """window.violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));"""


async def test_pages_and_api_docs_run_under_a_same_origin_policy_without_violations(browser, tmp_path) -> None:
    with live_app(tmp_path / 'data', ORACLE_SPEED='60') as base:  # no login: the docs are open on loopback
        context = await browser.new_context()
        await context.add_init_script(WATCH_POLICY)
        elsewhere: list[str] = []
        context.on(  # blocked requests fail; none to another host may finish
            'requestfinished', lambda r: None if r.url.startswith((base, 'data:', 'blob:')) else elsewhere.append(r.url)
        )
        page = await context.new_page()
        console: list[str] = []
        page.on('console', lambda m: console.append(m.text) if 'Content Security Policy' in m.text else None)
        response = await page.goto(base + '/')
        assert "connect-src 'self';" in response.headers['content-security-policy']
        await page.get_by_text('link: live').wait_for(timeout=20_000)  # socket.io's ws:// is 'self'
        await page.wait_for_selector('.js-plotly-plot .main-svg', timeout=20_000)
        assert await page.evaluate('window.violations') == []
        response = await page.goto(base + '/redoc')
        assert "script-src 'self'" in response.headers['content-security-policy']
        await page.locator('text=/dashboard/api/').first.wait_for(timeout=20_000)
        # the one thing ReDoc 2 always fetches from elsewhere, its credit's logo, is what the policy is for
        assert await page.evaluate('window.violations') == ['img-src https://cdn.redoc.ly/redoc/logo-mini.svg']
        console.clear()
        response = await page.goto(base + '/docs')
        assert "script-src 'self'" in response.headers['content-security-policy']
        await page.locator('.swagger-ui .opblock-summary-path').first.wait_for(timeout=20_000)
        assert await page.evaluate('window.violations') == []
        await page.locator('.opblock-summary-path', has_text='/dashboard/api/system-status').first.click()
        await page.get_by_role('button', name='Try it out').click()
        await page.get_by_role('button', name='Execute').click()
        await page.locator('.live-responses-table .response-col_status', has_text='200').wait_for()  # fetch: 'self'
        assert await page.evaluate('window.violations') == []
        assert elsewhere == [] and console == []
