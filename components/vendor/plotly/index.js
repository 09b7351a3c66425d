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

export const Plotly = await load();

// plotly.js's translations of its own strings (modebar, hover labels), vendored beside the bundle as
// plotly-locale-<name>.js: each registers itself with the bundle, or, run before it, leaves itself in
// window.PlotlyLocales for the bundle to register. The page head loads the page language's (components/plot.py);
// a chart of a page that did not gets it here, and is drawn again once it is there.
const LOCALE_ID = "oracle-plotly-locale";

export function loadLocale(file) {
  if (!file || document.getElementById(LOCALE_ID)) return null;
  const script = Object.assign(document.createElement("script"), {
    id: LOCALE_ID,
    src: new URL(`./${file}`, import.meta.url).href,
  });
  document.head.append(script);
  return new Promise((resolve) => script.addEventListener("load", resolve));
}
