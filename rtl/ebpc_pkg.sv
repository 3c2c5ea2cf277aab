// Shared sizes of our EBPC RTL (format: docs/stream-format.md).
package ebpc_pkg;
  // ceil(log2(x)) for x >= 1
  function automatic int clog2(input int x);
    clog2 = 0;
    for (int i = 0; i < 31; i++) begin
      if ((1 << i) < x) clog2 = i + 1;
    end
  endfunction
  function automatic int max2(input int a, input int b);
    max2 = a > b ? a : b;
  endfunction
  // Plane symbols handled per cycle so that base + W+1 planes take at most B cycles:
  // 1 + ceil((W+1)/P) <= B.
  function automatic int planes_per_cycle(input int w, input int b);
    planes_per_cycle = (w + 1 + b - 2) / (b - 1);
  endfunction
  // Longest plane symbol: `1`+DBX (B bits), `0001x`+index (5+log2 B), `001`+run (3+log2 W).
  function automatic int sym_max_nbits(input int w, input int b);
    sym_max_nbits = max2(b, max2(5 + clog2(b), 3 + clog2(w)));
  endfunction
endpackage
