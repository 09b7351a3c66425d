// A plotly.js chart drawn with the finance bundle (components/vendor/plotly). The page head already loads the
// bundle as an async script; the import below waits for it.
import { Plotly } from "oracle-plotly";

// plotly.js has no named templates: text, hover box and grid colours follow the page's light/dark theme here.
const THEMES = {
  dark: { text: "#cbd5e1", grid: "#334155", hover: "#1e293b", hoverText: "#f1f5f9" },
  light: { text: "#334155", grid: "#e2e8f0", hover: "#ffffff", hoverText: "#0f172a" },
};
const isDark = () => document.body.classList.contains("body--dark");

function themed(layout, dark) {
  const theme = THEMES[dark ? "dark" : "light"];
  const result = {
    ...layout,
    font: { ...layout.font, color: theme.text },
    hoverlabel: {
      ...layout.hoverlabel,
      bgcolor: theme.hover,
      bordercolor: theme.grid,
      font: { color: theme.hoverText },
    },
  };
  for (const axis of new Set(["xaxis", "yaxis", ...Object.keys(layout).filter((key) => /^[xy]axis\d+$/.test(key))])) {
    result[axis] = { ...layout[axis], gridcolor: theme.grid, linecolor: theme.grid, zerolinecolor: theme.grid };
  }
  return result;
}

export default {
  template: "<div></div>",
  props: { options: Object },
  mounted() {
    this.update();
    // the visible x range after a pan or zoom (null start: autorange), for charts that load more on demand
    this.$el.on("plotly_relayout", (event) => {
      const range = event["xaxis.range"];
      const start = event["xaxis.range[0]"] ?? (range ? range[0] : null);
      if (start !== null || event["xaxis.autorange"]) this.$emit("xrange", { start });
    });
    this.resizeObserver = new ResizeObserver(() => Plotly.Plots.resize(this.$el));
    this.resizeObserver.observe(this.$el);
    this.themeObserver = new MutationObserver(() => {
      if (isDark() !== this.dark) Plotly.react(this.$el, this.$el.data, this.themedLayout(this.$el.layout));
    });
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ["class"] });
  },
  unmounted() {
    this.resizeObserver?.disconnect();
    this.themeObserver?.disconnect();
    Plotly.purge(this.$el);
  },
  methods: {
    themedLayout(layout) {
      this.dark = isDark();
      return themed(layout, this.dark);
    },
    update() {
      const { data, layout, config } = this.options;
      Plotly.react(this.$el, data, this.themedLayout(layout ?? {}), { ...config, responsive: false });
    },
    async run_plot_method(name, ...args) {
      const result = await Plotly[name](this.$el, ...args);
      return result === this.$el ? undefined : result;
    },
  },
};
