// The participation chart of the dashboard, drawn from the figures the page already holds.
(function () {
  const source = document.getElementById("chart-data");
  const canvas = document.getElementById("participation-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ label: "Tỷ lệ tham gia (%)", data: data.rates, backgroundColor: "#a50e0e" }],
    },
    options: {
      indexAxis: "y",
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { min: 0, max: 100 } },
      plugins: { legend: { display: false } },
    },
  });
})();
