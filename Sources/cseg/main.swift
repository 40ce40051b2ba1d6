print("cseg")
