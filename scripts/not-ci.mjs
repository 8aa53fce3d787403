// Stands in for `is-in-ci` inside the bundle. Ink renders only the last frame
// when CI or CONTINUOUS_INTEGRATION is set; `oncall start` refuses to run
// without a terminal, so when ink renders a person is watching, and a blank
// screen until quit would be the worst answer (CI runners set CI=true).
export default false;
