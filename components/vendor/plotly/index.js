// ES module face of plotly.js's UMD "finance" bundle, which sets window.Plotly when it runs. The bundle is a
// classic async script (components/plot.py puts it into the page head) so the browser compiles it while it
// downloads and runs it as soon as it is there, instead of after every other module of the page.
const SCRIPT_ID = "oracle-plotly";

function load() {
  if (window.Plotly) return window.Plotly;
  let script = document.getElementById(SCRIPT_ID);
  if (!script) {
    script = Object.assign(document.createElement("script"), {
      id: SCRIPT_ID,
      src: new URL("./plotly-finance.min.js", import.meta.url).href,
    });
    document.head.append(script);
  }
  return new Promise((resolve, reject) => {
    script.addEventListener("load", () => resolve(window.Plotly));
    script.addEventListener("error", () => reject(new Error("plotly.js could not be loaded")));
  });
}

// plotly.js's translations of its own strings (modebar, hover labels), vendored beside the bundle as
// plotly-locale-<name>.js: each registers itself with the bundle when it runs after it. The page head preloads the
// page language's (components/plot.py: a link with LOCALE_ID) while the bundle downloads, and it is run here, right
// after the bundle, so every chart of the page is drawn with it. A chart of a page that did not preload it loads
// it itself (loadLocale) and is drawn again once it is there.
const LOCALE_ID = "oracle-plotly-locale";
const locales = new Map();

function run(href) {
  if (!locales.has(href)) {
    const script = Object.assign(document.createElement("script"), { src: href });
    locales.set(
      href,
      new Promise((resolve) => {
        script.addEventListener("load", resolve);
        script.addEventListener("error", resolve); // the chart in English rather than no chart
      }),
    );
    document.head.append(script);
  }
  return locales.get(href);
}

export const Plotly = await load();
const preloaded = document.getElementById(LOCALE_ID);
if (preloaded) await run(preloaded.href);

// the promise of locale `file` being registered, or null if it is already (or there is none to load)
export function loadLocale(file) {
  const href = file && new URL(`./${file}`, import.meta.url).href;
  return !href || locales.has(href) ? null : run(href);
}
