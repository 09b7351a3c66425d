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
