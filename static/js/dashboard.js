// The participation chart of the dashboard, drawn from the figures the page already holds:
// one bar per row of the table, every row labelled with the table's name for it (long names
// wrapped onto lines), and the chart as tall as its rows need.
(function () {
  "use strict";
  const source = document.getElementById("chart-data");
  const canvas = document.getElementById("participation-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);

  const FONT_PX = 12;
  const LINE_HEIGHT = 1.25; // room for Vietnamese marks above and below
  const ROW_PX = 28; // the least height of a row: one line and room between bars
  const AXIS_PX = 48; // the value axis above the bars
  // A label line takes at most this much of the chart's width (Chart.js gives the label axis
  // up to half of it), and never more than about 40 characters.
  const LABEL_SHARE = 0.42;
  const LABEL_MAX_PX = 250;

  const measure = document.createElement("canvas").getContext("2d");
  measure.font = FONT_PX + "px " + Chart.defaults.font.family;
  const width = (text) => measure.measureText(text).width;
  const room = Math.min(LABEL_MAX_PX, canvas.parentElement.clientWidth * LABEL_SHARE);

  function wrapAt(words, limit) {
    const lines = [];
    let line = "";
    words.forEach((word) => {
      const longer = line ? line + " " + word : word;
      if (line && width(longer) > limit) {
        lines.push(line);
        line = word;
      } else {
        line = longer;
      }
    });
    if (line) lines.push(line);
    return lines;
  }

  // As few lines as the room allows, of even length: no last line of one short word.
  function wrap(name) {
    const words = name.split(/\s+/);
    const fewest = wrapAt(words, room).length;
    for (let limit = width(name) / fewest; limit < room; limit += 4) {
      const lines = wrapAt(words, limit);
      if (lines.length <= fewest) return lines;
    }
    return wrapAt(words, room);
  }

  const labels = data.labels.map(wrap);
  const mostLines = Math.max(1, ...labels.map((lines) => lines.length));
  const rowHeight = Math.max(ROW_PX, Math.ceil(mostLines * FONT_PX * LINE_HEIGHT + 6));
  canvas.parentElement.style.height = labels.length * rowHeight + AXIS_PX + "px";

  const percent = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 1 });
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: labels,
      datasets: [{ label: "Tỷ lệ tham gia (%)", data: data.rates, backgroundColor: "#a50e0e" }],
    },
    options: {
      indexAxis: "y",
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: {
          min: 0,
          max: 100,
          position: "top",
          ticks: { callback: (value) => value + "%" },
        },
        // Every unit labelled: Chart.js would otherwise skip labels that do not fit.
        y: {
          ticks: {
            autoSkip: false,
            color: "#212529",
            font: { size: FONT_PX, lineHeight: LINE_HEIGHT },
          },
        },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => data.labels[items[0].dataIndex],
            label: (item) =>
              item.raw === null ? "Không có đảng viên" : "Tham gia: " + percent.format(item.raw) + "%",
          },
        },
      },
    },
  });
})();
