// Draws the dashboard charts with Chart.js. Data comes from the json_script "dashboard-charts":
// {chartId: {type, labels, datasets: [{label, data}], unit?}}; each <canvas data-chart="chartId"> gets one chart.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(source.textContent);
  var palette = ["#198754", "#fd7e14", "#dc3545", "#0d6efd", "#6f42c1", "#20c997"];
  var numberFormat = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 1 });

  function format(value, unit) {
    if (value === null || value === undefined) {
      return "—";
    }
    return numberFormat.format(value) + (unit === "percent" ? "%" : "");
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = charts[canvas.dataset.chart];
    if (!spec) {
      return;
    }
    var round = spec.type === "doughnut";
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = palette[index % palette.length];
      return {
        label: dataset.label,
        data: dataset.data,
        borderColor: round ? "#fff" : colour,
        backgroundColor: round ? palette : colour,
        spanGaps: false,
        tension: 0
      };
    });
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + format(context.parsed.y !== undefined ? context.parsed.y : context.parsed, spec.unit);
              }
            }
          }
        },
        scales: round ? {} : { y: { beginAtZero: true, ticks: { callback: function (value) { return format(value, spec.unit); } } } }
      }
    });
  });
})();
