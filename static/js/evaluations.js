// The anev pages: charts of the cycle results (data through json_script "anev-charts") and the print button.
(function () {
  "use strict";
  // The print view of a report: its "Cetak" button.
  document.querySelectorAll("[data-action=print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  var source = document.getElementById("anev-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var categoryColours = ["#1a7f37", "#4c9be8", "#f0ad4e", "#d9534f", "#adb5bd"];

  var categories = document.getElementById("chart-categories");
  if (categories) {
    new Chart(categories, {
      type: "bar",
      data: {
        labels: data.categories.labels,
        datasets: [{
          label: "Jumlah desa",
          data: data.categories.counts,
          backgroundColor: data.categories.labels.map(function (_, index) {
            return categoryColours[Math.min(index, categoryColours.length - 1)];
          })
        }]
      },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  var pillars = document.getElementById("chart-pillars");
  if (pillars) {
    new Chart(pillars, {
      type: "bar",
      data: {
        labels: data.pillars.labels,
        datasets: [
          { label: "Baseline", data: data.pillars.before, backgroundColor: "#adb5bd" },
          { label: "Akhir siklus", data: data.pillars.after, backgroundColor: "#1a7f37" }
        ]
      },
      options: {
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 5, ticks: { stepSize: 1 } } }
      }
    });
  }
})();
