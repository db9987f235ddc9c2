// The page: filters kept in the URL, the tile map, the table, a card, CSV. Every value from the
// base goes into the page through textContent (never innerHTML). Inside Telegram the WebApp script
// is loaded from telegram.org for the theme and initData; outside it nothing is loaded from elsewhere.
(function () {
  "use strict";

  var FILTERS = ["region", "partner", "country", "year", "type", "event", "q"];
  var WHAT = { region: "регион", partner: "партнёра", country: "страну", event: "событие", q: "текст" };
  var state = { filters: {}, page: 1, sort: "date", mode: "count", regions: null, initData: "" };

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  // --- Telegram -------------------------------------------------------------------------------

  function applyTheme(params) {
    if (!params) return;
    var names = { bg_color: "--tg-bg", text_color: "--tg-text", hint_color: "--tg-hint", link_color: "--tg-link",
      button_color: "--tg-button", button_text_color: "--tg-button-text", secondary_bg_color: "--tg-secondary-bg" };
    Object.keys(names).forEach(function (key) {
      var value = params[key];
      if (typeof value === "string" && /^#[0-9a-fA-F]{3,8}$/.test(value)) {
        document.documentElement.style.setProperty(names[key], value);
      }
    });
  }

  function setUpTelegram() {
    var hash = new URLSearchParams(location.hash.slice(1));
    if (!hash.get("tgWebAppVersion") && !hash.get("tgWebAppData")) return; // a plain browser
    state.initData = hash.get("tgWebAppData") || "";
    try { applyTheme(JSON.parse(hash.get("tgWebAppThemeParams") || "null")); } catch (e) { /* no theme */ }
    var script = document.createElement("script");
    script.src = "https://telegram.org/js/telegram-web-app.js";
    script.async = true;
    script.onload = function () {
      var tg = window.Telegram && window.Telegram.WebApp;
      if (!tg) return;
      if (tg.initData) state.initData = tg.initData;
      applyTheme(tg.themeParams);
      tg.onEvent("themeChanged", function () { applyTheme(tg.themeParams); });
      tg.ready();
      tg.expand();
      showFollow();
    };
    script.onerror = function () { /* offline: the page works without it */ };
    document.head.appendChild(script);
  }

  // --- URL and requests -----------------------------------------------------------------------

  function readUrl() {
    var params = new URLSearchParams(location.search);
    FILTERS.forEach(function (key) { state.filters[key] = (params.get(key) || "").slice(0, 200); });
    state.page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
    var sort = params.get("sort");
    state.sort = ["date", "date_asc", "sum", "sum_asc"].indexOf(sort) >= 0 ? sort : "date";
    state.mode = params.get("mode") === "sum" ? "sum" : "count";
  }

  function filterQuery() {
    var params = new URLSearchParams();
    FILTERS.forEach(function (key) { if (state.filters[key]) params.set(key, state.filters[key]); });
    return params;
  }

  function writeUrl() {
    var params = filterQuery();
    if (state.page > 1) params.set("page", String(state.page));
    if (state.sort !== "date") params.set("sort", state.sort);
    if (state.mode !== "count") params.set("mode", state.mode);
    var search = params.toString();
    history.replaceState(null, "", (search ? "?" + search : location.pathname) + location.hash);
  }

  function getJSON(url) {
    var headers = state.initData ? { "X-Telegram-Init-Data": state.initData } : {};
    return fetch(url, { headers: headers }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) throw new Error(body.error || "Ошибка " + response.status);
        return body;
      });
    });
  }

  function notice(text) {
    var node = $("notice");
    node.textContent = text || "";
    node.hidden = !text;
  }

  // --- Filters --------------------------------------------------------------------------------

  function fillForm() {
    var form = $("filters");
    FILTERS.forEach(function (key) {
      var field = form.elements[key];
      if (field.tagName === "SELECT" && state.filters[key] &&
          !Array.prototype.some.call(field.options, function (o) { return o.value === state.filters[key]; })) {
        field.appendChild(el("option", { value: state.filters[key], text: state.filters[key] }));
      }
      field.value = state.filters[key];
    });
  }

  function addOptions(select, values) {
    values.forEach(function (item) {
      var value = typeof item === "object" ? item.value : String(item);
      var label = typeof item === "object" ? item.label : String(item);
      if (!Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.appendChild(el("option", { value: value, text: label }));
      }
    });
  }

  function loadMeta() {
    getJSON("/api/meta").then(function (meta) {
      $("summary").textContent = "Всего в базе: " + meta.agreements + " — выберите регион на карте или задайте фильтры.";
      var form = $("filters");
      addOptions(form.elements.year, meta.years);
      addOptions(form.elements.type, meta.types);
      fillForm();
    }).catch(function (error) { notice(error.message); });
    getJSON("/api/events").then(function (data) {
      var seen = {};
      var options = [];
      data.events.forEach(function (event) {
        var value = event.year ? event.name + " " + event.year : event.name;
        if (seen[value]) return;
        seen[value] = true;
        options.push({ value: value, label: value + " (" + event.count + ")" });
      });
      addOptions($("filters").elements.event, options.slice(0, 200));
      fillForm();
    }).catch(function () { /* the other filters still work */ });
  }

  // --- Map ------------------------------------------------------------------------------------

  function scaleOf(data) { return data.scale[state.mode] || []; }

  function bandOf(value, scale) {
    if (!(value > 0)) return null;
    for (var i = 0; i < scale.length; i++) if (value <= scale[i].high) return scale[i];
    return scale[scale.length - 1] || null;
  }

  function drawMap() {
    var data = state.regions;
    if (!data) return;
    var map = $("map");
    clear(map);
    map.style.gridTemplateColumns = "repeat(" + data.cols + ", minmax(0, 1fr))";
    var scale = scaleOf(data);
    data.regions.forEach(function (region) {
      var value = state.mode === "sum" ? region.sum : region.count;
      var band = bandOf(value, scale);
      var shown = state.mode === "sum" ? region.sum_text : String(region.count);
      var tile = el("button", {
        type: "button", className: "tile" + (band ? (band.dark ? " dark" : "") : " empty") +
          (state.filters.region && state.filters.region === region.name ? " selected" : ""),
        "data-region": region.name, "data-count": String(region.count), "data-sum": String(region.sum),
        title: region.name + ": " + region.count + (region.sum ? ", " + region.sum_text : ""),
        "aria-label": region.name + ": " + region.count
      }, [el("span", { text: region.short }), band ? el("b", { text: shown }) : null]);
      tile.style.gridRow = String(region.row + 1);
      tile.style.gridColumn = String(region.col + 1);
      if (band) tile.style.backgroundColor = band.colour;
      tile.addEventListener("click", function () {
        state.filters.region = state.filters.region === region.name ? "" : region.name;
        state.page = 1;
        fillForm();
        refresh();
      });
      map.appendChild(tile);
    });
    var legend = $("legend");
    clear(legend);
    scale.concat([{ colour: data.empty, label: state.mode === "sum" ? "нет суммы" : "нет" }]).forEach(function (band) {
      var swatch = el("i");
      swatch.style.backgroundColor = band.colour;
      legend.appendChild(el("span", {}, [swatch, document.createTextNode(band.label)]));
    });
    $("mode-count").classList.toggle("on", state.mode === "count");
    $("mode-sum").classList.toggle("on", state.mode === "sum");
    $("mode-count").setAttribute("aria-pressed", String(state.mode === "count"));
    $("mode-sum").setAttribute("aria-pressed", String(state.mode === "sum"));
  }

  function loadMap() {
    return getJSON("/api/regions?" + filterQuery().toString()).then(function (data) {
      state.regions = data;
      var list = $("region-list");
      if (!list.firstChild) {
        data.regions.map(function (r) { return r.name; }).sort().forEach(function (name) {
          list.appendChild(el("option", { value: name }));
        });
      }
      drawMap();
      explain(data);
    });
  }

  function explain(data) {
    var lines = (data.unknown || []).map(function (key) { return "Не нашёл " + (WHAT[key] || key) + " «" + state.filters[key] + "»."; });
    if (data.suggestions && data.suggestions.length) lines.push("Возможно: " + data.suggestions.join(", ") + ".");
    notice(lines.join(" "));
  }

  // --- Table ----------------------------------------------------------------------------------

  function loadTable() {
    var params = filterQuery();
    params.set("page", String(state.page));
    params.set("sort", state.sort);
    return getJSON("/api/agreements?" + params.toString()).then(function (data) {
      var body = $("table").tBodies[0];
      clear(body);
      data.items.forEach(function (item) {
        var row = el("tr", { "data-id": String(item.id), tabindex: "0" }, [
          el("td", { text: item.date || "—" }),
          el("td", { text: item.regions.join(", ") }),
          el("td", { text: item.partners.concat(item.countries).join(", ") }),
          el("td", { className: "hide-narrow", text: item.type }),
          el("td", { text: item.amount_text || "—" })
        ]);
        row.addEventListener("click", function () { openCard(item.id); });
        row.addEventListener("keydown", function (event) { if (event.key === "Enter") openCard(item.id); });
        body.appendChild(row);
      });
      var first = (data.page - 1) * data.page_size;
      $("count").textContent = data.total
        ? "Найдено: " + (data.more ? "больше " : "") + data.total + ". Показаны " + (first + 1) + "–" + (first + data.items.length) + "."
        : "Ничего не найдено.";
      $("page-info").textContent = data.page + " / " + data.pages;
      $("prev").disabled = data.page <= 1;
      $("next").disabled = data.page >= data.pages;
      document.querySelectorAll("th button.sort").forEach(function (button) {
        var key = button.getAttribute("data-sort");
        button.classList.toggle("desc", state.sort === key);
        button.classList.toggle("asc", state.sort === key + "_asc");
      });
    });
  }

  function openCard(id) {
    getJSON("/api/agreements/" + encodeURIComponent(id)).then(function (item) {
      var body = $("card-body");
      clear(body);
      var rows = [
        ["Регионы", item.regions.join(", ")],
        ["Партнёры", item.partners.join(", ")],
        ["Страны", item.countries.join(", ")],
        ["Подписанты", item.signatories.join("; ")],
        ["Дата", item.date],
        ["Сумма", item.amount_text],
        ["Событие", item.event]
      ];
      var list = el("dl");
      rows.forEach(function (pair) {
        if (!pair[1]) return;
        list.appendChild(el("dt", { text: pair[0] }));
        list.appendChild(el("dd", { text: pair[1] }));
      });
      if (item.evidence) {
        list.appendChild(el("dt", { text: "Из текста" }));
        list.appendChild(el("dd", {}, [el("blockquote", { text: item.evidence })]));
      }
      if (item.sources.length) {
        list.appendChild(el("dt", { text: "Источники" }));
        var sources = el("dd");
        item.sources.forEach(function (source) {
          var label = source.title || source.url || "статья";
          var line = source.url
            ? el("a", { href: source.url, target: "_blank", rel: "noopener noreferrer", text: label })
            : el("span", { text: label });
          sources.appendChild(el("div", {}, [line, source.published ? document.createTextNode(" · " + source.published) : null]));
        });
        list.appendChild(sources);
      }
      body.appendChild(el("h3", { text: "№" + item.id + " · " + item.type }));
      body.appendChild(list);
      var card = $("card");
      card.hidden = false;
      card.scrollIntoView({ block: "nearest" });
    }).catch(function (error) { notice(error.message); });
  }

  // --- Follow (needs Telegram's initData) -----------------------------------------------------

  function showFollow() {
    $("follow").hidden = !(state.initData && state.filters.region);
  }

  function follow() {
    fetch("/api/follow", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Telegram-Init-Data": state.initData },
      body: JSON.stringify({ region: state.filters.region })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) throw new Error(body.error || "Ошибка " + response.status);
        notice(body.new ? "Вы подписались: " + body.region + ". Новые соглашения придут в чат." : "Вы уже следите за регионом " + body.region + ".");
      });
    }).catch(function (error) { notice(error.message); });
  }

  // --- Wiring ---------------------------------------------------------------------------------

  function refresh() {
    writeUrl();
    $("csv").setAttribute("href", "/api/export.csv?" + filterQuery().toString());
    showFollow();
    $("card").hidden = true;
    return Promise.all([loadMap(), loadTable()]).catch(function (error) { notice(error.message); });
  }

  function readForm() {
    var form = $("filters");
    FILTERS.forEach(function (key) { state.filters[key] = form.elements[key].value.trim().slice(0, 200); });
    state.page = 1;
  }

  function start() {
    setUpTelegram();
    readUrl();
    fillForm();
    var form = $("filters");
    form.addEventListener("submit", function (event) { event.preventDefault(); readForm(); refresh(); });
    ["year", "type", "event"].forEach(function (key) {
      form.elements[key].addEventListener("change", function () { readForm(); refresh(); });
    });
    $("reset").addEventListener("click", function () {
      FILTERS.forEach(function (key) { state.filters[key] = ""; });
      state.page = 1;
      fillForm();
      refresh();
    });
    $("mode-count").addEventListener("click", function () { state.mode = "count"; writeUrl(); drawMap(); });
    $("mode-sum").addEventListener("click", function () { state.mode = "sum"; writeUrl(); drawMap(); });
    $("prev").addEventListener("click", function () { state.page = Math.max(1, state.page - 1); writeUrl(); loadTable(); });
    $("next").addEventListener("click", function () { state.page += 1; writeUrl(); loadTable(); });
    document.querySelectorAll("th button.sort").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.getAttribute("data-sort");
        state.sort = state.sort === key ? key + "_asc" : key;
        state.page = 1;
        writeUrl();
        loadTable();
      });
    });
    $("card-close").addEventListener("click", function () { $("card").hidden = true; });
    $("follow").addEventListener("click", follow);
    loadMeta();
    refresh();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
