// Live events feed. Rows live in this component, not as NiceGUI elements: NiceGUI re-renders the whole page's
// element tree on every update, so 150 rows x 5 elements made every event (and every other live change on the
// page) cost ~10 ms of rendering. New rows arrive through add(); text is interpolated, never parsed as HTML.
// A row whose key is already shown (a fill that took in its position and account events) replaces it, on top.
export default {
  template: `
    <div class="w-full">
      <div v-for="row in shown" :key="row.key" :data-topic="row.topic"
           class="row w-full items-center gap-2 px-2 py-1 text-sm no-wrap">
        <q-icon :name="row.icon" :color="row.color" class="text-base" />
        <span class="opacity-60 font-mono text-xs" :data-clock="row.clock"
              :title="row.clock === 'market' ? words.market : words.wallClock">{{ row.time }}</span>
        <span v-if="simulated && row.clock === 'wall'" class="opacity-60 text-xs">{{ words.wall }}</span>
        <span :class="'text-' + row.color + ' font-medium'">{{ row.type }}</span>
        <span v-if="row.folded" class="opacity-60 text-xs" :title="words.folded">{{ row.folded }}</span>
        <span class="truncate opacity-90">{{ row.summary }}</span>
      </div>
    </div>`,
  props: { rows: Array, topics: Array, capacity: Number, simulated: Boolean, words: Object },
  data() {
    return { items: [...this.rows] };
  },
  computed: {
    shown() {
      const topics = new Set(this.topics);
      return this.items.filter((row) => topics.has(row.topic));
    },
  },
  watch: {
    rows(rows) {
      this.items = [...rows]; // a full update from the server carries its current rows
    },
  },
  methods: {
    add(rows) {
      const keys = new Set(rows.map((row) => row.key));
      const kept = this.items.filter((row) => !keys.has(row.key));
      this.items = [...rows.slice().reverse(), ...kept].slice(0, this.capacity);
    },
  },
};
