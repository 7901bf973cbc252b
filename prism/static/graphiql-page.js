// Prism's GraphiQL page: GraphiQL and React are served by Prism itself (no CDN). In dev the page
// carries a token per demo role; picking a role fills the Authorization header with its token and
// reloads that role's schema (each role has its own).
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("prism-config").textContent);
  const tokens = config.demoTokens;
  const roles = Object.keys(tokens);
  const STORED = "prism.graphiql.role";
  const h = React.createElement;

  function initialRole() {
    const asked = (new URLSearchParams(window.location.search).get("role") || "").toUpperCase();
    if (asked in tokens) return asked;
    const stored = window.localStorage.getItem(STORED);
    if (stored !== null && (stored === "" || stored in tokens)) return stored;
    return roles.length ? roles[0] : "";
  }

  function headersFor(role) {
    const value = role ? "Bearer " + tokens[role] : "Bearer <paste a token>";
    return JSON.stringify({ Authorization: value }, null, 2);
  }

  function fetcherFor(role) {
    const base = GraphiQL.createFetcher({ url: config.endpoint });
    if (!role) return base;
    // The headers tab wins, so a token pasted there is the one sent.
    return function (params, options) {
      const sent = Object.assign({ Authorization: "Bearer " + tokens[role] }, (options || {}).headers);
      return base(params, Object.assign({}, options, { headers: sent }));
    };
  }

  function RolePicker(props) {
    if (!roles.length) return null;
    const options = roles.map(function (role) {
      return h("option", { key: role, value: role }, role);
    });
    options.push(h("option", { key: "", value: "" }, "my own token (headers tab)"));
    return h(
      "label",
      { className: "prism-role" },
      "Sign in as ",
      h("select", {
        id: "prism-role",
        value: props.role,
        onChange: function (event) { props.onChange(event.target.value); },
      }, options)
    );
  }

  function Page() {
    const [role, setRole] = React.useState(initialRole);
    const fetcher = React.useMemo(function () { return fetcherFor(role); }, [role]);
    function choose(next) {
      window.localStorage.setItem(STORED, next);
      setRole(next);
    }
    return h(
      "div",
      { className: "prism-page" },
      h("header", { className: "prism-bar" },
        h("strong", null, "Prism"),
        h(RolePicker, { role: role, onChange: choose }),
        h("span", { className: "prism-hint" }, config.hint)),
      h("div", { className: "prism-graphiql" },
        // A new role is a new schema: remount GraphiQL so it introspects again with the new token.
        h(GraphiQL, {
          key: role,
          fetcher: fetcher,
          headers: headersFor(role),
          defaultQuery: config.defaultQuery,
        }))
    );
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(h(Page));
})();
