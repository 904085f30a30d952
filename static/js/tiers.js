/* Tiers page: the capacity chart of a what-if preview, the apply confirmation dialog, changed-input hints.
   The preview arrives through htmx (it swaps #what-if), so everything here re-runs after each swap. */
(function () {
  "use strict";

  var chart = null;
  var BLUE = "#1d4ed8";
  var RED = "#b91c1c";
  var SOFT = "#93c5fd";
  var GREY = "#94a3b8";

  function drawChart() {
    var canvas = document.getElementById("tier-chart");
    var source = document.getElementById("tier-chart-data");
    if (chart) {
      chart.destroy();
      chart = null;
    }
    if (!canvas || !source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Now", data: data.now, backgroundColor: SOFT, borderRadius: 4 },
          {
            label: "After the change",
            data: data.after,
            backgroundColor: data.over.map(function (over) { return over ? RED : BLUE; }),
            borderRadius: 4,
          },
          {
            label: "Capacity",
            data: data.capacity,
            backgroundColor: "rgba(148, 163, 184, 0.18)",
            borderColor: GREY,
            borderWidth: 2,
            borderDash: [4, 3],
            borderRadius: 4,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: { duration: 250 },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { grid: { display: false } } },
        plugins: {
          legend: {
            position: "bottom",
            labels: {
              boxWidth: 12,
              generateLabels: function (c) {
                var labels = Chart.defaults.plugins.legend.labels.generateLabels(c);
                labels[1].fillStyle = BLUE;
                if (data.over.some(Boolean)) {
                  labels.push({ text: "Over capacity", fillStyle: RED, strokeStyle: RED, lineWidth: 0, hidden: false, datasetIndex: -1 });
                }
                return labels;
              },
            },
            onClick: function (event, item, legend) {
              if (item.datasetIndex >= 0) Chart.defaults.plugins.legend.onClick.call(this, event, item, legend);
            },
          },
          tooltip: {
            callbacks: {
              afterBody: function (items) {
                var i = items[0].dataIndex;
                return data.over[i] ? "Over capacity by " + (data.after[i] - data.capacity[i]) : "";
              },
            },
          },
        },
      },
    });
  }

  function markChanged(root) {
    root.querySelectorAll("input[data-initial]").forEach(function (input) {
      var changed = input.value !== "" && Number(input.value) !== Number(input.dataset.initial);
      input.classList.toggle("changed", changed);
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-initial]")) markChanged(document);
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.openDialog);
      if (dialog && !dialog.open) dialog.showModal();
      var field = dialog && dialog.querySelector("textarea");
      if (field) field.focus();
      return;
    }
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close();
  });

  function refresh() {
    drawChart();
    markChanged(document);
    var preview = document.getElementById("preview");
    if (preview && preview.dataset.scrolled !== "1") {
      preview.dataset.scrolled = "1";
      preview.scrollIntoView({ behavior: "smooth", block: "start" });
    }
  }

  document.body.addEventListener("htmx:afterSettle", refresh);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawChart(); markChanged(document); });
  } else {
    drawChart();
    markChanged(document);
  }
})();
