// Delta reversal: holds one decoded block and gives its words base, base + d[1], ... one per
// pop; takes the next block in the cycle of the last pop, so back-to-back blocks leave
// without a bubble. clear_i drops what it holds (the padding words of a transmission's
// last block are never popped).
module ebpc_delta_reversal #(
  parameter int W = 8,
  parameter int B = 8,
  localparam int IW = ebpc_pkg::clog2(B)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              clear_i,
  input  logic              blk_valid_i,
  output logic              blk_ready_o,
  input  logic [W-1:0]      blk_base_i,
  input  logic [B-1:1][W:0] blk_delta_i,
  output logic              head_valid_o,
  output logic [W-1:0]      head_o,
  input  logic              pop_i
);
  logic valid_q, first_q;
  logic [IW-1:0] idx_q;
  logic [W-1:0] acc_q;
  logic [B-1:1][W-1:0] delta_q;   // d[idx..B-1] shifted down to delta_q[1..]
  logic last_pop;

  assign head_valid_o = valid_q;
  assign head_o = first_q ? acc_q : acc_q + delta_q[1];
  assign last_pop = pop_i && idx_q == IW'(B - 1);
  assign blk_ready_o = (!valid_q || last_pop) && !clear_i;

  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      valid_q <= 1'b0;
      first_q <= 1'b1;
      idx_q <= '0;
    end else begin
      if (pop_i) begin
        acc_q <= head_o;
        idx_q <= idx_q + IW'(1);
        first_q <= 1'b0;
        if (!first_q) begin
          for (int i = 1; i < B - 1; i++) delta_q[i] <= delta_q[i + 1];
        end
        if (last_pop) valid_q <= 1'b0;
      end
      if (blk_valid_i && blk_ready_o) begin
        valid_q <= 1'b1;
        first_q <= 1'b1;
        idx_q <= '0;
        acc_q <= blk_base_i;
        for (int i = 1; i < B; i++) delta_q[i] <= blk_delta_i[i][W-1:0];
      end
    end
  end
endmodule
