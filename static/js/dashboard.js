/* The dashboard (/dashboard/): draws each panel's chart from its JSON data block, again after every htmx
   swap (a filter change swaps the panels in place); shows a 400's form errors instead of ignoring them;
   a preset period clears a custom range. No inline code (the Content-Security-Policy allows none). */
(function () {
  "use strict";

  var charts = [];

  function dataset(spec, data, index) {
    var stacked = spec.kind === "stacked-bar";
    var line = spec.kind === "line";
    var result = { label: data.label, data: data.data, borderWidth: line ? 2 : 0, spanGaps: true };
    if (spec.kind === "doughnut") {
      result.backgroundColor = data.data.map(function (_, i) { return PALETTE[i % PALETTE.length]; });
      return result;
    }
    result.backgroundColor = data.color;
    result.borderColor = data.color;
    if (line) {
      result.fill = false;
      result.tension = 0.25;
      result.pointRadius = 3;
      result.borderDash = data.dashed ? [6, 3] : [];
    } else {
      result.borderRadius = 3;
    }
    if (stacked) result.stack = "all";
    return result;
  }

  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

  function draw() {
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
    if (typeof Chart === "undefined") return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      var type = spec.kind === "stacked-bar" ? "bar" : spec.kind;
      var scales = {};
      if (type !== "doughnut") {
        var stacked = spec.kind === "stacked-bar";
        scales = {
          x: { stacked: stacked, grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
          y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } },
        };
      }
      charts.push(new Chart(canvas, {
        type: type,
        data: { labels: spec.labels, datasets: spec.datasets.map(function (d, i) { return dataset(spec, d, i); }) },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: scales,
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12, usePointStyle: true } } },
        },
      }));
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  // A filter the server refuses (400) comes back with its form errors: show them.
  // A preset period replaces a custom range.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.name !== "period" || !field.form || field.form.id !== "dashboard-filters") return;
    ["since", "until"].forEach(function (name) {
      var input = field.form.querySelector("[name=" + name + "]");
      if (input) input.value = "";
    });
  }, true);
})();
