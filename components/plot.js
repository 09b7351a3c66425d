// A plotly.js chart drawn with the finance bundle (components/vendor/plotly). The page head already loads the
// bundle as an async script; the import below waits for it.
import { Plotly } from "oracle-plotly";

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
      Plotly.react(this.$el, data, layout, { ...config, responsive: false });
    },
    async run_plot_method(name, ...args) {
      const result = await Plotly[name](this.$el, ...args);
      return result === this.$el ? undefined : result;
    },
  },
};
