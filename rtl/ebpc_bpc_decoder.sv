// BPC block decoder: reads the base (one cycle), then P plane symbols per cycle (cascaded:
// each slot decodes at the offset the previous slots' lengths give), undoing the XOR chain,
// and collects the block's B-1 deltas. A cycle's slots proceed only when all their bits are
// in the window. A decoded block waits in blk_* until the delta reversal takes it
// (blk_ready_i); in that cycle the decoder already reads the next block's base.
module ebpc_bpc_decoder #(
  parameter int W = 8,
  parameter int B = 8,
  localparam int P = ebpc_pkg::planes_per_cycle(W, B),
  localparam int K = (W + 1 + P - 1) / P,
  localparam int S = ebpc_pkg::sym_max_nbits(W, B),
  localparam int WIN = ebpc_pkg::max2(W, P * S) + 4 * W,
  localparam int FW = ebpc_pkg::clog2(WIN + 1),
  localparam int TAKE_MAX = ebpc_pkg::max2(W, P * S),
  localparam int TW = ebpc_pkg::clog2(TAKE_MAX + 1),
  localparam int RW = ebpc_pkg::clog2(W + 2),
  localparam int KW = ebpc_pkg::max2(1, ebpc_pkg::clog2(K))
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              enable_i,
  input  logic              clear_i,
  input  logic              bpc_valid_i,
  output logic              bpc_ready_o,
  input  logic [2*W-1:0]    bpc_data_i,
  input  logic              bpc_pair_i,
  input  logic              bpc_last_i,
  output logic              blk_valid_o,
  input  logic              blk_ready_i,
  output logic [W-1:0]      blk_base_o,
  output logic [B-1:1][W:0] blk_delta_o
);
  logic [WIN-1:0] win;
  logic [FW-1:0] fill;
  logic [TW-1:0] take;

  ebpc_bit_window #(.W(W), .NWORDS(2), .WIN(WIN), .TAKE_MAX(TAKE_MAX)) u_win (
    .clk_i, .rst_ni, .enable_i, .clear_i,
    .in_valid_i(bpc_valid_i), .in_ready_o(bpc_ready_o), .in_data_i(bpc_data_i), .in_pair_i(bpc_pair_i),
    .in_last_i(bpc_last_i), .win_o(win), .fill_o(fill), .take_i(take)
  );

  logic base_phase_q, done_q;
  logic [KW-1:0] k_q;
  logic [RW-1:0] run_q;
  logic [B-2:0] prev_q;
  logic [W-1:0] base_q;
  logic [B-1:1][K*P-1:0] planes_q;

  logic act, ok;
  logic [RW-1:0] run_next;
  logic [B-2:0] prev_next;
  logic [P-1:0][B-2:0] dbp;

  assign act = !done_q || blk_ready_i;
  assign blk_valid_o = done_q;
  assign blk_base_o = base_q;
  for (genvar i = 1; i < B; i++) begin : g_out
    assign blk_delta_o[i] = planes_q[i][W:0];
  end

  localparam int LB = ebpc_pkg::clog2(B);
  localparam int LW = ebpc_pkg::clog2(W);
  logic [TW-1:0] o;
  logic [RW-1:0] rv;
  logic [B-2:0] pv;
  logic [S-1:0] bits;
  logic [LB-1:0] idx;
  logic [B-2:0] one_at;

  always_comb begin
    o = '0;
    rv = run_q;
    pv = prev_q;
    bits = '0;
    idx = '0;
    one_at = '0;
    for (int j = 0; j < P; j++) begin
      dbp[j] = pv;
      if (int'(k_q) * P + j <= W) begin
        if (rv != '0) begin
          rv = rv - RW'(1);                 // inside a zero-DBX run: DBP unchanged
        end else begin
          // the plane symbol at offset o (docs/stream-format.md "BPC symbols", read back)
          bits = S'((win << o) >> (WIN - S));
          idx = bits[S-6 -: LB];
          one_at = {1'b1, {(B - 2){1'b0}}} >> idx;
          if (bits[S-1]) begin                        // 1 + DBX
            o = o + TW'(B);
            pv = bits[S-2 -: B - 1] ^ pv;
          end else if (bits[S-2]) begin               // 01: a run of one
            o = o + TW'(2);
          end else if (bits[S-3]) begin               // 001 + r-2: r planes, this one first
            o = o + TW'(3 + LW);
            rv = RW'(bits[S-4 -: LW]) + RW'(1);
          end else begin
            o = o + (bits[S-4] ? TW'(5 + LB) : TW'(5));
            case (bits[S-4 -: 2])
              2'b00: pv = ~pv;                          // DBX all ones
              2'b01: pv = '0;                           // DBP all zeros
              2'b10: pv = (one_at | (one_at >> 1)) ^ pv;
              default: pv = one_at ^ pv;
            endcase
          end
          dbp[j] = pv;
        end
      end
    end
    run_next = rv;
    prev_next = pv;
    ok = 1'b0;
    take = '0;
    if (base_phase_q) begin
      ok = act && fill >= FW'(W);
      if (ok) take = TW'(W);
    end else begin
      ok = act && FW'(o) <= fill;
      if (ok) take = o;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      base_phase_q <= 1'b1;
      done_q <= 1'b0;
      k_q <= '0;
      run_q <= '0;
      prev_q <= '0;
    end else begin
      if (blk_ready_i) done_q <= 1'b0;
      if (ok) begin
        if (base_phase_q) begin
          base_q <= win[WIN-1 -: W];
          base_phase_q <= 1'b0;
          k_q <= '0;
          run_q <= '0;
          prev_q <= '0;
        end else begin
          for (int i = 1; i < B; i++) begin
            for (int j = 0; j < P; j++) begin
              planes_q[i][K * P - P + j] <= dbp[j][B - 1 - i];
            end
            planes_q[i][K * P - P - 1:0] <= planes_q[i][K * P - 1:P];
          end
          run_q <= run_next;
          prev_q <= prev_next;
          k_q <= k_q + KW'(1);
          if (k_q == KW'(K - 1)) begin
            done_q <= 1'b1;
            base_phase_q <= 1'b1;
          end
        end
      end
    end
  end
endmodule
