// BPC block coder: takes one block (base + B-1 exact deltas) and writes its bits to the
// packer in 1 + K cycles, K = ceil((W+1)/P): the base, then P bit planes per cycle from the
// least significant one up (docs/stream-format.md "BPC symbols"). A zero-DBX run is counted
// across slots and cycles; its code goes out in the same cycle as the non-zero plane that
// ends it (or with the sign plane), so no cycle is spent on a run end. An "empty" load
// writes nothing and only carries `last` to the packer (the stream ended with zero words
// after a full block).
module ebpc_bpc_coder #(
  parameter int W = 8,
  parameter int B = 8,
  localparam int P = ebpc_pkg::planes_per_cycle(W, B),
  localparam int K = (W + 1 + P - 1) / P,
  localparam int S = ebpc_pkg::sym_max_nbits(W, B),
  localparam int LW = ebpc_pkg::clog2(W),
  localparam int RUNC = 3 + LW,                 // longest run code
  localparam int OUT_MAX = ebpc_pkg::max2(W, P * (S + RUNC)),
  localparam int OLENW = ebpc_pkg::clog2(OUT_MAX + 1),
  localparam int SLENW = ebpc_pkg::clog2(S + 1),
  localparam int RW = ebpc_pkg::clog2(W + 2),    // run counter 0..W+1
  localparam int KW = ebpc_pkg::max2(1, ebpc_pkg::clog2(K))
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 load_valid_i,
  output logic                 load_ready_o,
  input  logic [W-1:0]         load_base_i,
  input  logic [B-1:1][W:0]    load_delta_i,
  input  logic                 load_last_i,
  input  logic                 load_empty_i,
  output logic                 out_valid_o,
  input  logic                 out_ready_i,
  output logic [OUT_MAX-1:0]   out_data_o,
  output logic [OLENW-1:0]     out_len_o,
  output logic                 out_last_o
);
  logic busy_q, base_phase_q, last_q, empty_q;
  logic [KW-1:0] k_q;
  logic [RW-1:0] run_q;
  logic [B-2:0] prev_q;
  logic [W-1:0] base_q;
  logic [B-1:1][W:0] delta_q;

  logic fire, final_cycle;
  logic [P-1:0][B-2:0] dbp, dbx;
  logic [P-1:0][S-1:0] sym_code;
  logic [P-1:0][SLENW-1:0] sym_len;
  logic [RW-1:0] run_v;
  logic [OUT_MAX-1:0] bits;
  logic [OLENW-1:0] nbits;
  // run code: `01` for a run of one, else `001` + r-2 in log2(W) bits
  logic [RUNC-1:0] rcode;
  logic [OLENW-1:0] rlen;
  logic [LW-1:0] rm2;

  // The planes of this cycle: bit j of every (shifted) delta, d[1] as the MSB.
  always_comb begin
    for (int j = 0; j < P; j++) begin
      for (int i = 1; i < B; i++) begin
        dbp[j][B - 1 - i] = delta_q[i][j];
      end
      dbx[j] = dbp[j] ^ (j == 0 ? prev_q : dbp[j == 0 ? 0 : j - 1]);
    end
  end

  for (genvar j = 0; j < P; j++) begin : g_sym
    ebpc_plane_symbol #(.W(W), .B(B)) u_sym (.dbx_i(dbx[j]), .dbp_i(dbp[j]), .code_o(sym_code[j]), .len_o(sym_len[j]));
  end

  always_comb begin
    final_cycle = empty_q || (!base_phase_q && k_q == KW'(K - 1));
    bits = '0;
    nbits = '0;
    run_v = run_q;
    rcode = '0;
    rlen = '0;
    rm2 = '0;
    if (empty_q) begin
      // nothing: only `last`
    end else if (base_phase_q) begin
      bits = {base_q, {(OUT_MAX - W){1'b0}}};
      nbits = OLENW'(W);
    end else begin
      for (int j = 0; j < P; j++) begin
        if (int'(k_q) * P + j <= W) begin
          if (dbx[j] == '0) begin
            run_v = run_v + RW'(1);
            if (int'(k_q) * P + j == W) begin
              rm2 = LW'(run_v - RW'(2));
              rcode = run_v == RW'(1) ? {2'b01, {(RUNC - 2){1'b0}}} : {3'b001, rm2};
              rlen = run_v == RW'(1) ? OLENW'(2) : OLENW'(RUNC);
              bits = bits | ({rcode, {(OUT_MAX - RUNC){1'b0}}} >> nbits);
              nbits = nbits + rlen;
            end
          end else begin
            if (run_v != '0) begin
              rm2 = LW'(run_v - RW'(2));
              rcode = run_v == RW'(1) ? {2'b01, {(RUNC - 2){1'b0}}} : {3'b001, rm2};
              rlen = run_v == RW'(1) ? OLENW'(2) : OLENW'(RUNC);
              bits = bits | ({rcode, {(OUT_MAX - RUNC){1'b0}}} >> nbits);
              nbits = nbits + rlen;
              run_v = '0;
            end
            bits = bits | ({sym_code[j], {(OUT_MAX - S){1'b0}}} >> nbits);
            nbits = nbits + OLENW'(sym_len[j]);
          end
        end
      end
    end
  end

  assign out_valid_o = busy_q;
  assign out_data_o = bits;
  assign out_len_o = nbits;
  assign out_last_o = final_cycle && last_q;
  assign fire = busy_q && out_ready_i;
  assign load_ready_o = !busy_q || (fire && final_cycle);

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      base_phase_q <= 1'b1;
      last_q <= 1'b0;
      empty_q <= 1'b0;
      k_q <= '0;
      run_q <= '0;
      prev_q <= '0;
    end else begin
      if (fire) begin
        if (final_cycle) begin
          busy_q <= 1'b0;
        end else if (base_phase_q) begin
          base_phase_q <= 1'b0;
        end else begin
          for (int i = 1; i < B; i++) delta_q[i] <= delta_q[i] >> P;
          prev_q <= dbp[P-1];
          run_q <= run_v;
          k_q <= k_q + KW'(1);
        end
      end
      if (load_valid_i && load_ready_o) begin
        busy_q <= 1'b1;
        base_phase_q <= 1'b1;
        last_q <= load_last_i;
        empty_q <= load_empty_i;
        k_q <= '0;
        run_q <= '0;
        prev_q <= '0;
        base_q <= load_base_i;
        delta_q <= load_delta_i;
      end
    end
  end
endmodule
