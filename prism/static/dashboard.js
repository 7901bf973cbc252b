// Prism's KPI dashboard: an example client of the public GraphQL API. It asks for a token (in dev
// it offers the demo roles), then shows the viewer's own KPIs for a period and region, the KPI of
// the role's choice by region, and the sales funnel, drawn with ECharts served by Prism itself.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("prism-config").textContent);
  const tokens = config.demoTokens;
  const REGIONS = ["NORTH", "NORTHEAST", "EAST", "CENTRAL", "SOUTH", "SOUTHWEST", "NORTHWEST",
    "OVERSEAS"];
  const RATES = /_RATE$|^CSAT$|^CAMPAIGN_ROI$/;
  const BY_REGION = ["WIN_RATE", "FIRST_CONTACT_RESOLUTION_RATE", "SLA_ATTAINMENT_RATE", "CSAT"];
  const $ = function (id) { return document.getElementById(id); };
  const charts = {
    byRegion: echarts.init($("by-region")),
    funnel: echarts.init($("funnel")),
  };

  function option(select, value, label) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
  }

  function setUp() {
    Object.keys(tokens).forEach(function (role) { option($("role"), role, role); });
    option($("role"), "", "my own token");
    const asked = (new URLSearchParams(window.location.search).get("role") || "").toUpperCase();
    $("role").value = asked in tokens ? asked : ($("role").options[0].value);
    option($("region"), "", "All regions");
    REGIONS.forEach(function (r) { option($("region"), r, r); });
    const today = new Date();
    const from = new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth(), 1));
    const to = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1));
    $("from").value = from.toISOString().slice(0, 10);
    $("to").value = to.toISOString().slice(0, 10);
    $("refresh").addEventListener("click", show);
    $("role").addEventListener("change", show);
  }

  function token() {
    const role = $("role").value;
    return role ? tokens[role] : $("token").value.trim();
  }

  async function gql(query, variables) {
    const response = await fetch(config.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + token() },
      body: JSON.stringify({ query: query, variables: variables || {} }),
    });
    const body = await response.json();
    if (body.errors) throw new Error(body.errors.map(function (e) { return e.message; }).join("; "));
    return body.data;
  }

  function filter() {
    const f = {
      from: $("from").value + "T00:00:00+08:00",
      to: $("to").value + "T00:00:00+08:00",
    };
    if ($("region").value) f.regions = [$("region").value];
    return f;
  }

  function formatted(kpi, value) {
    if (value === null) return "—";
    const n = Number(value);
    if (RATES.test(kpi)) return (n * 100).toFixed(1) + "%";
    return n.toLocaleString("en-US", { maximumFractionDigits: 2 });
  }

  function tiles(rows) {
    const box = $("tiles");
    box.textContent = "";
    rows.forEach(function (row) {
      const tile = document.createElement("div");
      tile.className = "tile";
      tile.dataset.kpi = row.kpi;
      tile.dataset.value = row.value === null ? "" : row.value;
      tile.dataset.count = String(row.count);
      tile.innerHTML = '<span class="name"></span><span class="value"></span><span class="count"></span>';
      tile.querySelector(".name").textContent = row.kpi.replace(/_/g, " ");
      tile.querySelector(".value").textContent = formatted(row.kpi, row.value);
      tile.querySelector(".count").textContent = "over " + row.count;
      box.appendChild(tile);
    });
  }

  function byRegion(kpi, rows) {
    const shown = rows.filter(function (r) { return r.value !== null; });
    charts.byRegion.setOption({
      title: { text: kpi ? kpi.replace(/_/g, " ") + " by region" : "No rate KPI for this role" },
      tooltip: {},
      xAxis: { type: "category", data: shown.map(function (r) { return r.group[0].key || "—"; }) },
      yAxis: { type: "value" },
      series: [{ type: "bar", name: kpi, data: shown.map(function (r) { return Number(r.value); }) }],
    }, true);
  }

  function funnel(stages) {
    charts.funnel.setOption({
      title: { text: stages ? "Sales funnel (deals created in the period)" : "No funnel for this role" },
      tooltip: { formatter: "{b}: {c}" },
      series: stages ? [{
        type: "funnel",
        name: "funnel",
        sort: "none",
        data: stages.map(function (s) { return { name: s.stage, value: s.count }; }),
      }] : [],
    }, true);
  }

  async function show() {
    document.body.dataset.loaded = "";
    $("status").textContent = "Loading…";
    try {
      const who = await gql("{ viewer { role user { displayName } } " +
        'k: __type(name: "Kpi") { enumValues { name } } q: __type(name: "Query") { fields { name } } }');
      const kpis = who.k ? who.k.enumValues.map(function (v) { return v.name; }) : [];
      const hasFunnel = who.q.fields.some(function (f) { return f.name === "funnel"; });
      const f = filter();
      const data = await gql(
        "query D($kpis: [Kpi!]!, $filter: MetricsFilter) {" +
        " metrics(kpis: $kpis, filter: $filter) { kpi value count } }", { kpis: kpis, filter: f });
      tiles(data.metrics);
      const regional = BY_REGION.filter(function (k) { return kpis.indexOf(k) >= 0; })[0];
      if (regional) {
        const r = await gql("query R($kpis: [Kpi!]!, $filter: MetricsFilter) {" +
          " metrics(kpis: $kpis, groupBy: [REGION], filter: $filter) { kpi group { key } value count } }",
          { kpis: [regional], filter: f });
        byRegion(regional, r.metrics);
      } else {
        byRegion(null, []);
      }
      if (hasFunnel) {
        const fu = await gql("query F($filter: MetricsFilter) { funnel(filter: $filter) {" +
          " stage count amount conversionRate } }", { filter: f });
        funnel(fu.funnel);
      } else {
        funnel(null);
      }
      $("status").textContent = who.viewer.role + " · " + who.viewer.user.displayName;
      document.body.dataset.loaded = who.viewer.role;
    } catch (error) {
      $("status").textContent = "Could not load: " + error.message;
      document.body.dataset.loaded = "error";
    }
  }

  setUp();
  if (token()) show();
})();
