// One bit plane's symbol (docs/stream-format.md "BPC symbols"), for a plane whose DBX is not
// all zeros (zero-DBX runs are coded by the caller). code_o is MSB-aligned, the bits below
// len_o zero.
module ebpc_plane_symbol #(
  parameter int W = 8,
  parameter int B = 8,
  localparam int S = ebpc_pkg::sym_max_nbits(W, B),
  localparam int LB = ebpc_pkg::clog2(B),
  localparam int LENW = ebpc_pkg::clog2(S + 1)
) (
  input  logic [B-2:0]   dbx_i,  // bit B-2 is index 0 (d[1]'s bit)
  input  logic [B-2:0]   dbp_i,
  output logic [S-1:0]   code_o,
  output logic [LENW-1:0] len_o
);
  logic [LB-1:0] first;   // index (from the MSB) of the first 1 bit
  logic [LB:0] count;
  logic adjacent;

  always_comb begin
    first = '0;
    count = '0;
    for (int i = B - 2; i >= 0; i--) begin
      if (dbx_i[B - 2 - i]) first = LB'(i);
    end
    for (int i = 0; i < B - 1; i++) begin
      count = count + (LB + 1)'(dbx_i[i]);
    end
    adjacent = (dbx_i & (dbx_i >> 1)) != '0;
    if (&dbx_i) begin
      code_o = {5'b00000, {(S - 5){1'b0}}};
      len_o = LENW'(5);
    end else if (dbp_i == '0) begin
      code_o = {5'b00001, {(S - 5){1'b0}}};
      len_o = LENW'(5);
    end else if (count == (LB + 1)'(2) && adjacent) begin
      code_o = S'({5'b00010, first}) << (S - 5 - LB);
      len_o = LENW'(5 + LB);
    end else if (count == (LB + 1)'(1)) begin
      code_o = S'({5'b00011, first}) << (S - 5 - LB);
      len_o = LENW'(5 + LB);
    end else begin
      code_o = S'({1'b1, dbx_i}) << (S - B);
      len_o = LENW'(B);
    end
  end
endmodule
