// Leaders' dashboard charts (ECharts, vendored). Data comes from the page, not from requests.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const charts = [];
  function draw(id, option) {
    const node = document.getElementById(id);
    if (!node || !window.echarts) return;
    const chart = echarts.init(node);
    chart.setOption(option);
    charts.push(chart);
  }
  const trend = data.trend;
  const series = Object.keys(trend).filter((k) => k !== "days");
  const names = { received: "受理", closed: "办结", overdue: "逾期", dispatched: "派单" };
  draw("chart-trend", {
    tooltip: { trigger: "axis" }, legend: { top: 0 },
    grid: { left: 40, right: 16, top: 32, bottom: 28 },
    xAxis: { type: "category", data: trend.days }, yAxis: { type: "value" },
    series: series.map((k) => ({ name: names[k] || k, type: "line", smooth: true, data: trend[k] })),
  });
  const pie = (rows) => ({
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "70%"], data: rows }],
  });
  draw("chart-categories", pie(data.categories));
  draw("chart-channels", pie(data.channels));
  draw("chart-best", {
    tooltip: {}, grid: { left: 150, right: 24, top: 8, bottom: 24 },
    xAxis: { type: "value", max: 100 },
    yAxis: { type: "category", inverse: true, data: data.best.map((r) => r.name) },
    series: [{ type: "bar", data: data.best.map((r) => r.on_time_rate) }],
  });
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
