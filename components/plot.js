// A plotly.js chart drawn with the finance bundle (components/vendor/plotly), imported statically so the
// browser fetches it with the page instead of after the app has mounted.
import { Plotly } from "oracle-plotly";
window.plotImported = performance.now();

export default {
  template: "<div></div>",
  props: { options: Object },
  mounted() {
    this.update();
    this.resizeObserver = new ResizeObserver(() => Plotly.Plots.resize(this.$el));
    this.resizeObserver.observe(this.$el);
  },
  unmounted() {
    this.resizeObserver?.disconnect();
    Plotly.purge(this.$el);
  },
  methods: {
    update() {
      const { data, layout, config } = this.options;
      const t0 = performance.now(); window.plotTimes ??= []; setTimeout(() => 0);
      Plotly.react(this.$el, data, layout, { ...config, responsive: false }); window.plotTimes.push([Math.round(t0), Math.round(performance.now() - t0)]);
    },
    async run_plot_method(name, ...args) {
      const result = await Plotly[name](this.$el, ...args);
      return result === this.$el ? undefined : result;
    },
  },
};
