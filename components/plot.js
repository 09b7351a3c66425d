// A plotly.js chart drawn with the finance bundle (components/vendor/plotly). The page head already loads the
// bundle as an async script; the import below waits for it.
import { Plotly, loadLocale } from "oracle-plotly";

// plotly.js has no named templates: text, hover box and grid colours follow the page's light/dark theme here.
const THEMES = {
  dark: { text: "#cbd5e1", grid: "#334155", hover: "#1e293b", hoverText: "#f1f5f9", outline: "#f8fafc" },
  light: { text: "#334155", grid: "#e2e8f0", hover: "#ffffff", hoverText: "#0f172a", outline: "#0f172a" },
};
// Traces with meta "outline" (trade markers) get an outline that stands out from the page: light on dark, dark on
// light, so coloured markers stay visible over candles of the same colour in either theme.
const OUTLINED = "outline";
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

function outlined(data, dark) {
  const color = THEMES[dark ? "dark" : "light"].outline;
  return data.map((trace) =>
    trace.meta === OUTLINED ? { ...trace, marker: { ...trace.marker, line: { ...trace.marker?.line, color } } } : trace,
  );
}

// the page's language (options.locale, from components/plot.py): the plotly strings the charts show from the
// server's catalog (the rest from plotly's own locale file, where it has one), month and day names and the decimal
// and grouping marks from the server's CLDR data, so axes and hover labels write numbers and dates as the rest of
// the page does
function localeConfig(locale) {
  if (!locale) return {};
  return { locale: locale.name, locales: { [locale.name]: { dictionary: locale.dictionary, format: locale.format } } };
}

function localized(layout, locale) {
  return locale ? { separators: locale.format.decimal + locale.format.thousands, ...layout } : layout;
}

const FIT_WAIT_MS = 80;

// the y range of each y axis ("yaxis", "yaxis2", ...) over the points of `data` between x `start` and `end`, padded
function yRanges(data, start, end) {
  const from = String(start), to = String(end);
  const ranges = {};
  for (const trace of data) {
    const axis = trace.yaxis || "y";
    const columns = trace.type === "candlestick" ? [trace.low, trace.high] : [trace.y];
    if (!trace.x || trace.visible === false || trace.name === "forming") continue;
    trace.x.forEach((x, i) => {
      if (x < from || x > to) return;
      for (const column of columns) {
        const value = column && column[i];
        if (value === null || value === undefined || Number.isNaN(value)) continue;
        const range = (ranges[axis] ??= [value, value]);
        range[0] = Math.min(range[0], value);
        range[1] = Math.max(range[1], value);
      }
    });
  }
  const padded = {};
  for (const [axis, [low, high]] of Object.entries(ranges)) {
    const pad = (high - low) * 0.05 || Math.abs(high) * 0.01 || 1;
    padded[`yaxis${axis.slice(1)}`] = [Math.min(low, 0 < low && axis !== "y" ? 0 : low) - pad, high + pad];
  }
  return padded;
}

export default {
  template: "<div></div>",
  props: { options: Object },
  mounted() {
    // a chart below the fold (option "lazy") is drawn when it comes near the viewport: the first screen of a page
    // with many charts draws sooner
    if (this.options.lazy && "IntersectionObserver" in window) {
      this.visibility = new IntersectionObserver(
        (entries) => {
          if (!entries.some((entry) => entry.isIntersecting)) return;
          this.visibility.disconnect();
          this.visibility = null;
          this.update();
        },
        { rootMargin: "200px" },
      );
      this.visibility.observe(this.$el);
    } else {
      this.update();
    }
    loadLocale(this.options.locale?.script)?.then(() => this.visibility || this.update());
    // the visible x range after a pan or zoom (null start: autorange), for charts that load more on demand
    this.$el.on("plotly_relayout", (event) => {
      const range = event["xaxis.range"];
      const start = event["xaxis.range[0]"] ?? (range ? range[0] : null);
      const end = event["xaxis.range[1]"] ?? (range ? range[1] : null);
      if (start === null && !event["xaxis.autorange"]) return;
      this.$emit("xrange", { start, end });
      if (this.options.fit_y && start !== null) this.fitYSoon(start, end);
    });
    // price-line alerts: a right-click on the price pane names the price under the pointer
    if (this.options.price_menu) {
      this.$el.addEventListener("contextmenu", (event) => {
        const axis = this.$el._fullLayout?.yaxis;
        const y = axis ? event.clientY - this.$el.getBoundingClientRect().top - axis._offset : -1;
        if (y < 0 || y > axis._length) return;
        event.preventDefault();
        this.$emit("price_at", { price: axis.p2l(y) });
      });
    }
    // a redraw in the middle of a drag ends the drag: hold live updates while a pointer is down on the chart
    this.held = [];
    this.$el.addEventListener("pointerdown", () => (this.holding = true), true);
    this.$el.addEventListener("pointerdown", (event) => this.grabLine(event), true);
    this.release = () => {
      if (!this.holding) return;
      this.holding = false;
      const held = this.held.splice(0);
      for (const [name, args] of held) this.run_plot_method(name, ...args);
    };
    window.addEventListener("pointerup", this.release, true);
    this.resizeObserver = new ResizeObserver(() => this.visibility || Plotly.Plots.resize(this.$el));
    this.resizeObserver.observe(this.$el);
    this.themeObserver = new MutationObserver(() => {
      if (this.visibility || isDark() === this.dark) return;
      const layout = this.themedLayout(this.$el.layout);
      Plotly.react(this.$el, outlined(this.$el.data, this.dark), layout);
    });
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ["class"] });
  },
  unmounted() {
    clearTimeout(this.fitTimer);
    this.visibility?.disconnect();
    this.resizeObserver?.disconnect();
    this.themeObserver?.disconnect();
    window.removeEventListener("pointerup", this.release, true);
    Plotly.purge(this.$el);
  },
  methods: {
    // plotly scales y over all the data: fit each y axis to what the visible x range shows. A pan that loads a
    // page of history gets it within a few milliseconds: that page's redraw fits y too, instead of a second redraw.
    fitYSoon(start, end) {
      clearTimeout(this.fitTimer);
      this.fitRange = [start, end];
      this.fitTimer = setTimeout(() => {
        this.fitRange = null;
        const update = {};
        for (const [axis, range] of Object.entries(yRanges(this.$el.data, start, end)))
          update[`${axis}.range`] = range;
        if (Object.keys(update).length) Plotly.relayout(this.$el, update);
      }, FIT_WAIT_MS);
    },
    // the layout with each y axis fitted to the range a pan is waiting for (if any): for a redraw that adds data
    // (none pending: the x range in view, if the user has set one, so a page that comes after the fit is in it too)
    fittedLayout(data) {
      const layout = this.$el.layout;
      const xaxis = layout.xaxis ?? {};
      const shown = this.options.fit_y && xaxis.autorange === false && Array.isArray(xaxis.range) ? xaxis.range : null;
      const wanted = this.fitRange ?? shown;
      if (!wanted) return layout;
      clearTimeout(this.fitTimer);
      const [start, end] = wanted;
      this.fitRange = null;
      const fitted = { ...layout };
      for (const [axis, range] of Object.entries(yRanges(data, start, end)))
        fitted[axis] = { ...layout[axis], range, autorange: false };
      return fitted;
    },
    // a line shape whose name starts with options.draggable_shapes, grabbed within 5 px: dragged up or down, and
    // reported where it is dropped (plotly's own editable shapes need a click first and lose it on every redraw)
    grabLine(event) {
      const prefix = this.options.draggable_shapes;
      const gd = this.$el;
      const axis = gd._fullLayout?.yaxis;
      if (!prefix || !axis) return;
      const top = gd.getBoundingClientRect().top + axis._offset;
      const shapes = gd.layout.shapes || [];
      const near = (s) => (s.name || "").startsWith(prefix) && Math.abs(top + axis.l2p(s.y0) - event.clientY) <= 5;
      const index = shapes.findIndex(near);
      if (index < 0) return;
      event.stopPropagation(); // not a pan or zoom of the chart
      const name = shapes[index].name; // relayout replaces the shapes array
      let level = null;
      const move = (e) => {
        level = axis.p2l(e.clientY - top);
        Plotly.relayout(gd, { [`shapes[${index}].y0`]: level, [`shapes[${index}].y1`]: level });
      };
      const drop = () => {
        window.removeEventListener("pointermove", move, true);
        window.removeEventListener("pointerup", drop, true);
        if (level !== null) this.$emit("shape_moved", { name, y: level });
      };
      window.addEventListener("pointermove", move, true);
      window.addEventListener("pointerup", drop, true);
    },
    themedLayout(layout) {
      this.dark = isDark();
      return themed(layout, this.dark);
    },
    update() {
      if (this.visibility) return; // not drawn yet: drawn from the options when it comes into view
      const { data, layout, config, locale } = this.options;
      const themedLayout = this.themedLayout(localized(layout ?? {}, locale));
      const localeOptions = localeConfig(locale);
      Plotly.react(this.$el, outlined(data, this.dark), themedLayout, { ...config, ...localeOptions, responsive: false });
    },
    // a restyle that replaces an outlined trace's marker gets the theme's outline in the same call (no second redraw)
    outlinedArgs(name, args) {
      const [update, indices, ...rest] = args;
      if (name !== "restyle" || !update || !update.marker) return args;
      const color = THEMES[this.dark ? "dark" : "light"].outline;
      const traces = indices ?? this.$el.data.map((_, i) => i);
      const markers = Array.isArray(update.marker) ? update.marker : traces.map(() => update.marker);
      const marker = markers.map((m, k) =>
        this.$el.data[traces[k]]?.meta === OUTLINED ? { ...m, line: { ...m?.line, color } } : m,
      );
      return [{ ...update, marker }, indices, ...rest];
    },
    // columns added at the start or the end of traces (at most `keep` points each, dropped from the other end) and
    // whole traces replaced (e.g. the markers), in one redraw: one page of history or one closed candle
    page(added, atStart, keep, replaced) {
      const data = this.$el.data.map((trace) => ({ ...trace }));
      for (const [index, columns] of added) {
        const trace = data[index];
        for (const [key, values] of Object.entries(columns)) {
          const old = trace[key] ?? [];
          let merged = atStart ? values.concat(old) : old.concat(values);
          if (merged.length > keep) merged = atStart ? merged.slice(0, keep) : merged.slice(merged.length - keep);
          trace[key] = merged;
        }
      }
      for (const [index, update] of replaced) Object.assign(data[index], update);
      return Plotly.react(this.$el, outlined(data, this.dark), this.fittedLayout(data));
    },
    run_plot_method(name, ...args) {
      if (this.visibility) return undefined; // not drawn yet: the options are drawn when it comes into view
      if (this.holding) {
        this.held.push([name, args]);
        return undefined;
      }
      // one call at a time, in the order they came: plotly's calls are not safe to overlap
      const call = (this.queue ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => (name === "page" ? this.page(...args) : Plotly[name](this.$el, ...this.outlinedArgs(name, args))));
      this.queue = call;
      return call.then((result) => (result === this.$el ? undefined : result));
    },
  },
};
