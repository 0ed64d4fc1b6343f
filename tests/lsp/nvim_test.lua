-- A real editor as the client: neovim (0.7, headless) attaches `kpic lsp`,
-- an error is typed into the open file, and the diagnostic's code and
-- position must arrive; then hover and go-to-definition. Results are
-- written as JSON to $OUT for tests/lsp/nvim_test.sh to check.
local kpic, out = os.getenv("KPIC"), os.getenv("OUT")
local result = {}
local function finish()
  local f = io.open(out, "w")
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd("qa!")
end
local ok, err = pcall(function()
  local buf = vim.api.nvim_get_current_buf()
  local root = vim.fn.expand("%:p:h")
  local id = vim.lsp.start_client({ name = "kpic", cmd = { kpic, "lsp" }, root_dir = root })
  vim.lsp.buf_attach_client(buf, id)
  local client
  vim.wait(10000, function()
    client = vim.lsp.get_client_by_id(id)
    return client ~= nil and client.initialized
  end, 20)
  result.initialized = client ~= nil and client.initialized or false
  -- The opened file is clean first.
  vim.wait(3000, function() return false end, 200)
  result.clean = #vim.diagnostic.get(buf)
  -- Type an error: `orders.amount` -> `orders.amout` on the line of `metric sales`.
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for i, l in ipairs(lines) do
    local s = l:find("orders.amount", 1, true)
    if l:find("^metric sales") and s then
      result.edit_line = i - 1
      result.edit_col = s - 1 + #"orders."
      vim.api.nvim_buf_set_text(buf, i - 1, s - 1 + #"orders.", i - 1, s - 1 + #"orders.amount", { "amout" })
      break
    end
  end
  vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
  local d = vim.diagnostic.get(buf)[1]
  if d then
    result.code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    result.lnum, result.col, result.message = d.lnum, d.col, d.message
  end
  -- Hover and definition on `sales` in `std.retail.aov(sales, ...)`.
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = l:find("aov%(sales")
    if s then
      -- LSP columns are UTF-16 code units: 客单价 before it counts 3, not 9 bytes.
      local _, u16 = vim.str_utfindex(l, s - 1 + 4)
      local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = i - 1, character = u16 } }
      local h = client.request_sync("textDocument/hover", params, 5000, buf)
      result.hover = h and h.result and h.result.contents.value or ""
      local def = client.request_sync("textDocument/definition", params, 5000, buf)
      local loc = def and def.result
      if loc and loc[1] then loc = loc[1] end
      result.def_uri = loc and loc.uri or ""
      result.def_line = loc and loc.range.start.line or -1
      break
    end
  end
end)
if not ok then result.error = tostring(err) end
finish()
