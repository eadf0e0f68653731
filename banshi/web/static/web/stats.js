// Statistics charts (/stats/ and /stats/screen/) drawn with Apache ECharts (echarts.min.js beside
// this file; see hotspots.js for its origin). No inline script (strict CSP): the data come from the
// <script type="application/json" id="stats-data"> block written by json_script, each chart's
// container names its part with data-stats-chart. Tooltips use ECharts' rich text (no inline
// styles). Clicking a bar opens the cases behind it when the page allows drill-downs.
(function () {
  "use strict";
  var FONT = "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";
  var LIGHT = {text: "#111", muted: "#333", line: "#c9c9c9", bg: "transparent",
               colors: ["#0b4f9c", "#c55a00", "#0a6b2d", "#7b3fa0", "#a30000", "#00707a", "#5c5c5c"],
               size: 15, big: 17};
  var DARK = {text: "#f2f6fb", muted: "#cfe0f3", line: "#2d527d", bg: "transparent",
              colors: ["#5fb0ff", "#ffb74d", "#7ee081", "#e1a6ff", "#ff8a80", "#4dd0e1", "#e0e0e0"],
              size: 18, big: 22};

  function theme() { return document.body.classList.contains("screen") ? DARK : LIGHT; }

  function empty(values) {
    for (var i = 0; i < values.length; i++) { if (values[i]) { return false; } }
    return true;
  }

  function noData(t) {
    return {type: "text", left: "center", top: "middle",
            style: {text: "本期间没有数据", fill: t.muted, fontSize: t.big, fontFamily: FONT}};
  }

  function base(t) {
    return {textStyle: {fontFamily: FONT, fontSize: t.size, color: t.text}, animation: false,
            backgroundColor: t.bg, color: t.colors,
            tooltip: {renderMode: "richText", textStyle: {fontSize: t.size}}};
  }

  function drillOn(chart, all, part) {
    if (!all.drill || !part.drills) { return; }
    chart.on("click", function (p) {
      var qs = part.drills[p.dataIndex];
      if (qs) { window.location.href = all.queue + "?" + qs; }
    });
  }

  function trend(el, all, t) {
    var d = all.trend;
    var labels = d.by === "day" ? d.labels.map(function (s) { return s.slice(5); }) : d.labels;
    var opt = base(t);
    opt.legend = {top: 0, textStyle: {color: t.text, fontSize: t.big}};
    opt.tooltip.trigger = "axis";
    opt.grid = {left: 8, right: 24, top: 44, bottom: 8, containLabel: true};
    opt.xAxis = {type: "category", data: labels, axisLabel: {color: t.muted, fontSize: t.size},
                 axisLine: {lineStyle: {color: t.line}}};
    opt.yAxis = {type: "value", minInterval: 1, axisLabel: {color: t.muted, fontSize: t.size},
                 splitLine: {lineStyle: {color: t.line, type: "dashed"}}};
    var all0 = [];
    opt.series = d.series.map(function (s, i) {
      all0 = all0.concat(s.data);
      return {name: s.name, type: labels.length > 2 ? "line" : "bar", data: s.data, symbolSize: 8,
              lineStyle: {width: 3}, itemStyle: {color: t.colors[i]}, barMaxWidth: 36};
    });
    if (empty(all0)) { opt.graphic = noData(t); }
    return opt;
  }

  function bars(el, all, t, part) {
    // Largest at the top: ECharts draws a category axis from the bottom.
    var names = part.names.slice().reverse(), values = part.values.slice().reverse();
    var n = names.length;
    if (theme() !== DARK) {  // the big screen keeps its fixed layout; a page grows with the bars
      el.style.height = Math.max(240, (t.size + 20) * n + 60) + "px";
    }
    var opt = base(t);
    opt.tooltip.trigger = "axis";
    opt.tooltip.axisPointer = {type: "shadow"};
    opt.grid = {left: 8, right: 64, top: 8, bottom: 8, containLabel: true};
    opt.xAxis = {type: "value", minInterval: 1, axisLabel: {color: t.muted, fontSize: t.size},
                 splitLine: {lineStyle: {color: t.line, type: "dashed"}}};
    opt.yAxis = {type: "category", data: names, axisTick: {show: false},
                 axisLabel: {color: t.text, fontSize: t.size, width: Math.min(260, Math.round(el.clientWidth * 0.4)),
                             overflow: "truncate"}};
    opt.series = [{name: part.measure_label || "", type: "bar", data: values, itemStyle: {color: t.colors[0]}, barMaxWidth: 28,
                   cursor: all.drill ? "pointer" : "default",
                   label: {show: true, position: "right", color: t.text, fontWeight: "bold", fontSize: t.size,
                           formatter: function (p) { return p.value + "件"; }}}];
    if (!n) { opt.graphic = noData(t); }
    return opt;
  }

  function pie(el, all, t, part, centre) {
    var opt = base(t);
    opt.tooltip.trigger = "item";
    opt.legend = {bottom: 0, textStyle: {color: t.text, fontSize: t.size}};
    var data = part.names.map(function (name, i) { return {name: name, value: part.values[i]}; });
    opt.series = [{type: "pie", radius: ["38%", "66%"], center: ["50%", "45%"], data: data,
                   cursor: all.drill ? "pointer" : "default",
                   label: {color: t.text, fontSize: t.size, formatter: "{b}\n{c}件"},
                   itemStyle: {borderColor: theme() === DARK ? "#0d2a4a" : "#fff", borderWidth: 2}}];
    if (empty(part.values)) {
      opt.graphic = noData(t);
    } else if (centre) {
      opt.graphic = {type: "text", left: "center", top: "40%",
                     style: {text: centre, fill: t.text, fontSize: t.big + 4, fontWeight: "bold", fontFamily: FONT,
                             textAlign: "center"}};
    }
    return opt;
  }

  function rates(el, all, t) {
    var d = all.rates;
    var opt = base(t);
    opt.legend = {top: 0, textStyle: {color: t.text, fontSize: t.big}};
    opt.tooltip.trigger = "axis";
    opt.tooltip.valueFormatter = function (v) { return v === null || v === undefined ? "—" : v + "%"; };
    opt.grid = {left: 8, right: 24, top: 44, bottom: 8, containLabel: true};
    opt.xAxis = {type: "category", data: d.labels, axisLabel: {color: t.muted, fontSize: t.size},
                 axisLine: {lineStyle: {color: t.line}}};
    opt.yAxis = {type: "value", min: 0, max: 100, axisLabel: {color: t.muted, fontSize: t.size, formatter: "{value}%"},
                 splitLine: {lineStyle: {color: t.line, type: "dashed"}}};
    var line = d.labels.length > 3, any = false;
    opt.series = d.series.map(function (s, i) {
      for (var k = 0; k < s.data.length; k++) { if (s.data[k] !== null) { any = true; } }
      return {name: s.name, type: line ? "line" : "bar", data: s.data, connectNulls: false, symbolSize: 8,
              lineStyle: {width: 3}, itemStyle: {color: t.colors[i]}, barMaxWidth: 64, barGap: "12%",
              label: {show: !line, position: "top", color: t.text, fontSize: t.size - 1,
                      formatter: function (p) { return p.value === null ? "" : p.value + "%"; }}};
    });
    if (!any) { opt.graphic = noData(t); }
    return opt;
  }

  function draw(el, all) {
    var t = theme(), kind = el.getAttribute("data-stats-chart"), opt;
    if (kind === "trend") { opt = trend(el, all, t); }
    else if (kind === "channel" || kind === "category" || kind === "regions") { opt = bars(el, all, t, all[kind]); }
    else if (kind === "type") { opt = pie(el, all, t, all.type, ""); }
    else if (kind === "deadline") {
      var r = all.deadline.on_time_rate;
      opt = pie(el, all, t, all.deadline, r === null ? "" : "按时\n" + r + "%");
    }
    else if (kind === "rates") { opt = rates(el, all, t); }
    else { return null; }
    var chart = echarts.init(el, null, {renderer: "canvas"});
    chart.setOption(opt);
    if (kind === "channel" || kind === "category" || kind === "regions") {
      var part = all[kind], n = part.names.length;
      // The bars were reversed for drawing: map a click back to the row it shows.
      drillOn(chart, all, {drills: part.drills.slice().reverse()});
      if (!n) { chart.off("click"); }
    } else if (kind === "type" || kind === "deadline") {
      drillOn(chart, all, all[kind]);
    }
    el.setAttribute("data-drawn", "1");
    return chart;
  }

  function start() {
    var src = document.getElementById("stats-data");
    if (!src || typeof echarts === "undefined") { return; }
    var all = JSON.parse(src.textContent);
    var charts = [];
    var els = document.querySelectorAll("[data-stats-chart]");
    for (var i = 0; i < els.length; i++) {
      var c = draw(els[i], all);
      if (c) { charts.push(c); }
    }
    window.addEventListener("resize", function () {
      for (var j = 0; j < charts.length; j++) { charts[j].resize(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
